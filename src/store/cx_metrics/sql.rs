//! Building the metric queries: placeholders for both engines, and the
//! expression that puts a time into its bucket.

use sea_orm::{DbBackend, Statement, Value};

/// SQL text with its values, placeholders numbered for the engine
/// (`?` for SQLite, `$n` for PostgreSQL). Values are bound in text order.
pub(super) struct Sql {
    backend: DbBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    pub fn new(backend: DbBackend) -> Sql {
        Sql {
            backend,
            text: String::with_capacity(512),
            values: Vec::new(),
        }
    }

    pub fn is_sqlite(&self) -> bool {
        self.backend == DbBackend::Sqlite
    }

    pub fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Sql {
        let placeholder = self.param(value);
        self.text.push_str(&placeholder);
        self
    }

    /// Takes a value and returns its placeholder, for text pushed later;
    /// the text must be pushed before any other value is bound.
    pub fn param(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        if self.backend == DbBackend::Postgres {
            format!("${}", self.values.len())
        } else {
            "?".to_string()
        }
    }

    pub fn statement(self) -> Statement {
        tracing::trace!(sql = %self.text, "metric query");
        Statement::from_sql_and_values(self.backend, self.text, self.values)
    }
}

/// An integer literal that stays one token after a minus sign.
pub(super) fn lit(value: i64) -> String {
    if value < 0 {
        format!("({value})")
    } else {
        value.to_string()
    }
}

/// The index `first + j` of the bucket `[bounds[j], bounds[j + 1])` that
/// holds `column`, for values in `[bounds[0], bounds[last])` (the query's
/// WHERE must guarantee that). Equal steps are one division; calendar months
/// a balanced CASE tree, about ten comparisons for a thousand buckets.
pub(super) fn bucket_index(column: &str, bounds: &[i64], first: i64) -> String {
    let buckets = bounds.len() - 1;
    if buckets == 1 {
        return lit(first);
    }
    let step = bounds[1] - bounds[0];
    if bounds.windows(2).all(|w| w[1] - w[0] == step) {
        return format!(
            "(({column} - {}) / {} + {})",
            lit(bounds[0]),
            lit(step),
            lit(first)
        );
    }
    let mut out = String::with_capacity(buckets * 48);
    case_tree(&mut out, column, bounds, 0, buckets - 1, first);
    out
}

fn case_tree(out: &mut String, column: &str, bounds: &[i64], lo: usize, hi: usize, first: i64) {
    if lo == hi {
        out.push_str(&lit(first + lo as i64));
        return;
    }
    let mid = (lo + hi).div_ceil(2);
    out.push_str(&format!("CASE WHEN {column} < {} THEN ", lit(bounds[mid])));
    case_tree(out, column, bounds, lo, mid - 1, first);
    out.push_str(" ELSE ");
    case_tree(out, column, bounds, mid, hi, first);
    out.push_str(" END");
}

/// A comma-separated list of an integer expression over a group, as text.
pub(super) fn int_list(backend: DbBackend, expr: &str, filter: &str) -> String {
    let filter = if filter.is_empty() {
        String::new()
    } else {
        format!(" FILTER (WHERE {filter})")
    };
    match backend {
        DbBackend::Postgres => format!("string_agg(CAST({expr} AS TEXT), ','){filter}"),
        _ => format!("group_concat({expr}, ','){filter}"),
    }
}

/// Parses what `int_list` produced.
pub(super) fn parse_int_list(text: Option<&str>, into: &mut Vec<i64>) -> anyhow::Result<()> {
    into.clear();
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(());
    };
    for part in text.split(',') {
        into.push(part.trim().parse()?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::cx_formulas::buckets::{Bucket, Layout, Window};

    fn number(token: &str) -> i64 {
        token
            .trim_matches(|c| c == '(' || c == ')')
            .parse()
            .unwrap()
    }

    /// Evaluates a CASE tree for `t = x` (the only shape `case_tree` writes).
    fn eval<'a>(tokens: &mut impl Iterator<Item = &'a str>, x: i64) -> i64 {
        let token = tokens.next().unwrap();
        if token != "CASE" {
            return number(token);
        }
        let [_when, _t, _lt, bound, _then] = std::array::from_fn(|_| tokens.next().unwrap());
        let left = eval(tokens, x);
        assert_eq!(tokens.next(), Some("ELSE"));
        let right = eval(tokens, x);
        assert_eq!(tokens.next(), Some("END"));
        if x < number(bound) { left } else { right }
    }

    #[test]
    fn equal_steps_are_one_division() {
        let expr = bucket_index("t", &[-10, 0, 10, 20], -1);
        assert_eq!(expr, "((t - (-10)) / 10 + (-1))");
        assert_eq!(bucket_index("t", &[5, 9], 0), "0");
    }

    #[test]
    fn months_are_a_balanced_case_tree() {
        let ten_years = Window::new(0, 86_400_000 * 3650).unwrap();
        let layout = Layout::series(Bucket::Month, ten_years, 1000).unwrap();
        let bounds = layout.bounds();
        let expr = bucket_index("t", bounds, -1);
        assert_eq!(expr.matches("CASE").count(), bounds.len() - 2);
        for x in bounds[..bounds.len() - 1]
            .iter()
            .flat_map(|&b| [b, b + 1, b - 1])
        {
            if x < bounds[0] {
                continue;
            }
            let got = eval(&mut expr.split_whitespace(), x);
            assert_eq!(got, layout.index_of(x), "at {x}");
        }
        let depth = expr
            .split_whitespace()
            .fold((0i32, 0i32), |(d, max), t| match t {
                "CASE" => (d + 1, max.max(d + 1)),
                "END" => (d - 1, max),
                _ => (d, max),
            });
        assert_eq!(depth.1, 7, "121 steps need seven levels");
    }

    #[test]
    fn placeholders_follow_the_engine() {
        let mut pg = Sql::new(DbBackend::Postgres);
        pg.push("a = ").bind(1).push(" AND b = ").bind("x");
        assert_eq!(pg.statement().sql, "a = $1 AND b = $2");
        let mut lite = Sql::new(DbBackend::Sqlite);
        lite.push("a = ").bind(1).push(" AND b = ").bind("x");
        assert_eq!(lite.statement().sql, "a = ? AND b = ?");
    }

    #[test]
    fn int_lists_parse_back() {
        let mut out = Vec::new();
        parse_int_list(Some("3,-1, 0"), &mut out).unwrap();
        assert_eq!(out, [3, -1, 0]);
        parse_int_list(None, &mut out).unwrap();
        assert!(out.is_empty());
        assert!(parse_int_list(Some("x"), &mut out).is_err());
    }
}
