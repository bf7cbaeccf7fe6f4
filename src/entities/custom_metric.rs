use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "custom_metrics")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub team_id: i32,
    pub key: String,
    pub name: String,
    pub description: String,
    pub unit: String,
    pub better: String,
    pub journey_stage: Option<String>,
    pub touchpoint: Option<String>,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
    pub created_by: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
