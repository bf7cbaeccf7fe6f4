//! `smarter demo`: a private dental clinic with three CX goals and half a
//! year of figures, so a first-time user has something real to look at.

use base64::Engine as _;
use chrono::{Datelike, Months, NaiveDate, Utc};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};

use crate::domain::account::{NewUser, Role};
use crate::domain::goal::*;
use crate::domain::metric::{Better, CustomMetricInput, JourneyStage, MetricDef, Unit};
use crate::store::{accounts, goals, metrics};

const TEAM: &str = "Smile Dental Clinic";
const EMAIL: &str = "demo@smile-dental.example";

/// Loads the demo (or, when loaded before, gives its login a new password).
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<()> {
    let now = Utc::now();
    let password = random_password();
    if let Some(user) = accounts::find_user_by_email(db, EMAIL).await? {
        let mut row: crate::entities::user::ActiveModel = user.into();
        row.password_hash = Set(accounts::hash_password(password.clone()).await?);
        row.update(db).await?;
        print_login(
            &password,
            "The demo was already loaded; its login has a new password.",
        );
        return Ok(());
    }
    let new = NewUser::parse(EMAIL, "Dr. Maria Nowak", &password)
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let (owner, team) = accounts::create_user(db, new, TEAM, Role::Admin, now).await?;
    let reception = NewUser::parse(
        "reception@smile-dental.example",
        "Ewa (reception)",
        &random_password(),
    )
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    accounts::create_user(db, reception, TEAM, Role::Manager, now).await?;

    let txn = crate::store::db::begin_write(db).await?;
    let no_show = MetricDef::parse_custom(CustomMetricInput {
        team_id: team.id,
        key: "no_show_rate".into(),
        name: "No-show rate".into(),
        description: Some("% of booked appointments the patient did not come to.".into()),
        unit: Unit::Percent,
        better: Better::Lower,
        journey_stage: Some(JourneyStage::Purchase),
        touchpoint: Some("phone".into()),
        min: None,
        max: None,
    })
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    metrics::create_custom(&txn, team.id, &no_show, owner.id, now).await?;

    let today = now.date_naive();
    let history: [(&str, [f64; 6]); 3] = [
        ("no_show_rate", [18.0, 17.4, 16.9, 15.8, 15.1, 14.6]),
        (
            "returning_customer_rate",
            [41.0, 42.5, 42.0, 44.1, 45.0, 46.2],
        ),
        ("avg_rating", [4.10, 4.12, 4.18, 4.21, 4.25, 4.31]),
    ];
    for (key, values) in history {
        for (i, value) in values.into_iter().enumerate() {
            let day = first_of_month(today, 5 - i as u32);
            let obs = metrics::NewObservation {
                team_id: team.id,
                metric_key: key.into(),
                observed_on: day,
                value,
                note: None,
            };
            metrics::upsert_observation(&txn, obs, owner.id, now).await?;
        }
    }

    let ctx = GoalContext {
        goal_id: None,
        caller_id: owner.id,
        member_ids: accounts::member_ids(&txn, team.id).await?,
        metrics: metrics::metrics_for_team(&txn, team.id).await?,
        parent: None,
        today,
    };
    for input in demo_goals(team.id, today) {
        let spec = GoalSpec::parse(input, &ctx).map_err(|e| anyhow::anyhow!("demo goal: {e:?}"))?;
        goals::insert(&txn, team.id, &spec, owner.id, now).await?;
    }
    txn.commit().await?;
    print_login(
        &password,
        "Loaded the demo: Smile Dental Clinic, 3 active goals, 1 draft, 6 months of figures.",
    );
    Ok(())
}

fn print_login(password: &str, headline: &str) {
    println!("{headline}");
    println!("  web:      smarter serve, then open /login in a browser");
    println!("  login:    {EMAIL}");
    println!("  password: {password}");
    println!("  API token: smarter token create --email {EMAIL}");
}

fn random_password() -> String {
    let mut bytes = [0u8; 12];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn first_of_month(today: NaiveDate, months_back: u32) -> NaiveDate {
    let first = today.with_day(1).expect("day 1 exists");
    first
        .checked_sub_months(Months::new(months_back))
        .expect("a recent month")
}

fn text(s: &str) -> Option<String> {
    Some(s.to_string())
}

fn goal(title: &str, what: &str, why: &str, metric: &str, baseline: f64, target: f64) -> GoalInput {
    GoalInput {
        title: title.into(),
        status: Some(GoalStatus::Active),
        specific: SpecificInput {
            what: text(what),
            why: text(why),
        },
        measurable: MeasurableInput {
            metric: text(metric),
            baseline: Some(baseline),
            target: Some(target),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn demo_goals(team_id: i32, today: NaiveDate) -> Vec<GoalInput> {
    let start = first_of_month(today, 0);
    let deadline = start
        .checked_add_months(Months::new(6))
        .expect("six months ahead");
    let milestone = start
        .checked_add_months(Months::new(3))
        .expect("three months ahead");
    let plan = |mut g: GoalInput,
                stage: JourneyStage,
                strategy: &str,
                means: &str,
                milestone_target: f64| {
        g.team_id = team_id;
        g.achievable = AchievableInput {
            resources: text(means),
            ..Default::default()
        };
        g.relevant = RelevantInput {
            strategy: text(strategy),
            journey_stage: Some(stage),
            parent_goal_id: None,
        };
        g.time_bound = TimeBoundInput {
            start: Some(start.to_string()),
            deadline: Some(deadline.to_string()),
        };
        g.measurable.milestones = vec![MilestoneInput {
            date: milestone.to_string(),
            target: milestone_target,
            note: text("halfway"),
        }];
        g.review = ReviewInput {
            cadence: Some(crate::domain::cadence::CadenceKind::Monthly),
            timezone: text("Europe/Warsaw"),
            ..Default::default()
        };
        g
    };
    vec![
        plan(
            goal(
                "Fewer no-shows",
                "Confirm every appointment by SMS and phone the day before",
                "Each empty chair costs a dentist's hour and delays other patients",
                "no_show_rate",
                14.6,
                8.0,
            ),
            JourneyStage::Purchase,
            "Fill every chair we already pay for before buying ads",
            "Reception has 30 minutes a day for confirmation calls; the booking portal sends SMS",
            11.0,
        ),
        plan(
            goal(
                "More returning patients",
                "Book the next check-up before the patient leaves the chair",
                "Returning patients are cheaper to serve than new ones and refer their families",
                "returning_customer_rate",
                46.2,
                55.0,
            ),
            JourneyStage::Retention,
            "Grow through loyalty, not discounts",
            "Calendar slots six months ahead; a recall list in the booking portal",
            50.0,
        ),
        plan(
            goal(
                "Better review ratings",
                "Ask every satisfied patient for a review and answer every review within two days",
                "New patients choose a clinic by its rating on the booking portal",
                "avg_rating",
                4.31,
                4.6,
            ),
            JourneyStage::Advocacy,
            "Be the best-rated clinic in the district",
            "A review QR code at reception; the manager answers reviews on Fridays",
            4.45,
        ),
        GoalInput {
            team_id,
            title: "Faster answers on Messenger".into(),
            specific: SpecificInput {
                what: text("Answer Messenger questions within one working hour"),
                why: None,
            },
            ..Default::default()
        },
    ]
}
