//! The metrics' formulas in words, shown beside their charts.

/// How a metric is computed, in words a manager reads beside its chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Formula {
    /// What is counted or summed.
    pub numerator: &'static str,
    /// What it is divided by; `None` for a plain count.
    pub denominator: Option<&'static str>,
    /// The whole formula as a sentence.
    pub in_words: &'static str,
    /// What the sample size `n` counts.
    pub sample: &'static str,
}

const FORMULAS: &[(&str, Formula)] = &[
    (
        "nps",
        Formula {
            numerator: "promoters (answers 9-10) minus detractors (answers 0-6)",
            denominator: Some("all NPS answers in the period"),
            in_words: "100 × (promoters − detractors) ÷ all NPS answers, from −100 to 100; the 95 % margin of error is given with it.",
            sample: "NPS answers",
        },
    ),
    (
        "csat",
        Formula {
            numerator: "satisfaction answers scoring 4 or 5",
            denominator: Some("all satisfaction (CSAT) answers in the period"),
            in_words: "100 × answers scoring 4 or 5 ÷ all CSAT answers.",
            sample: "CSAT answers",
        },
    ),
    (
        "ces",
        Formula {
            numerator: "the sum of the effort scores (1-7)",
            denominator: Some("the number of CES answers in the period"),
            in_words: "The mean CES score, from 1 to 7; higher means easier.",
            sample: "CES answers",
        },
    ),
    (
        "avg_rating",
        Formula {
            numerator: "the sum of the review stars (1-5)",
            denominator: Some("the number of reviews in the period"),
            in_words: "The mean star rating of the period's reviews, from 1 to 5.",
            sample: "reviews",
        },
    ),
    (
        "positive_review_share",
        Formula {
            numerator: "reviews with 4 or 5 stars",
            denominator: Some("all reviews in the period"),
            in_words: "100 × reviews rated 4 or 5 ÷ all reviews.",
            sample: "reviews",
        },
    ),
    (
        "review_count",
        Formula {
            numerator: "reviews received in the period",
            denominator: None,
            in_words: "The number of reviews received in the period.",
            sample: "reviews",
        },
    ),
    (
        "repeat_purchase_rate",
        Formula {
            numerator: "customers with two or more orders in the period",
            denominator: Some("customers with at least one order in the period"),
            in_words: "100 × customers with 2+ orders in the period ÷ customers who ordered in the period.",
            sample: "customers who ordered in the period",
        },
    ),
    (
        "returning_customer_rate",
        Formula {
            numerator: "the period's customers whose first order ever is before the period",
            denominator: Some("customers who ordered in the period"),
            in_words: "100 × customers ordering in the period who had ordered before it ÷ customers ordering in the period.",
            sample: "customers who ordered in the period",
        },
    ),
    (
        "churn_rate",
        Formula {
            numerator: "customers who ordered in the previous period of the same length and not in this one",
            denominator: Some("customers who ordered in the previous period"),
            in_words: "100 × last period's customers with no order this period ÷ last period's customers.",
            sample: "customers of the previous period",
        },
    ),
    (
        "referral_rate",
        Formula {
            numerator: "new customers whose first order names a referring customer",
            denominator: Some("new customers (first order ever in the period)"),
            in_words: "100 × new customers who came through a referral ÷ new customers.",
            sample: "new customers",
        },
    ),
];

/// How custom metrics are answered: from the observations recorded by hand.
pub const CUSTOM_FORMULA: Formula = Formula {
    numerator: "the values recorded by hand",
    denominator: None,
    in_words: "Recorded by hand: the current value is the latest observation in the period; a series point is the mean of the observations in its bucket.",
    sample: "observations",
};

/// The formula of a metric: a built-in one's own, or that of custom metrics.
pub fn formula(key: &str) -> Formula {
    FORMULAS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(CUSTOM_FORMULA, |(_, f)| *f)
}
