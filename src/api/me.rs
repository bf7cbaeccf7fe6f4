//! `/api/v1/me`: who the token belongs to and their teams.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::domain::account::{Caller, Role};
use crate::error::{AppResult, Problem};
use crate::startup::AppState;
use crate::store::accounts;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamMembership {
    pub id: i32,
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    pub id: i32,
    pub email: String,
    pub display_name: String,
    pub teams: Vec<TeamMembership>,
}

/// The caller and every team they belong to.
#[utoipa::path(get, path = "/me", tag = "accounts",
    responses((status = 200, body = MeResponse), (status = 401, body = Problem)), security(("bearer" = [])))]
async fn me(State(state): State<AppState>, caller: Caller) -> AppResult<Json<MeResponse>> {
    let teams = accounts::teams_by_ids(&state.db, &caller.team_ids()).await?;
    let teams = teams
        .into_iter()
        .filter_map(|t| {
            caller.role_in(t.id).map(|role| TeamMembership {
                id: t.id,
                name: t.name,
                role,
            })
        })
        .collect();
    Ok(Json(MeResponse {
        id: caller.user_id,
        email: caller.email,
        display_name: caller.display_name,
        teams,
    }))
}
