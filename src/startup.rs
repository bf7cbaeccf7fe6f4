//! Building the application: database, migrations, routes, middleware, listener.

use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::config::Config;
use crate::error::{AppError, problem_response};
use crate::store::db;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: std::sync::Arc<Config>,
    /// Bounds the password hashes computed at once (see `Config::login_concurrency`).
    pub login_permits: std::sync::Arc<tokio::sync::Semaphore>,
    /// The goal dashboards' rows, per team, while unchanged.
    pub dashboards: std::sync::Arc<crate::web::goals::cache::DashboardCache>,
}

/// A built service, bound to its port and ready to run.
pub struct Application {
    port: u16,
    listener: TcpListener,
    router: Router,
    state: AppState,
}

impl Application {
    /// Connects, migrates and binds. Port 0 picks a free port (tests do this).
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let db = db::connect(&config.database_url).await?;
        db::migrate(&db).await?;
        Self::build_with_db(config, db).await
    }

    /// Binds a service over an already migrated database.
    pub async fn build_with_db(
        config: Config,
        db: DatabaseConnection,
    ) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(config.bind).await?;
        let port = listener.local_addr()?.port();
        let state = AppState {
            db,
            login_permits: std::sync::Arc::new(tokio::sync::Semaphore::new(
                config.login_concurrency.max(1),
            )),
            dashboards: Default::default(),
            config: std::sync::Arc::new(config),
        };
        let router = router(state.clone());
        Ok(Application {
            port,
            listener,
            router,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGTERM or Ctrl-C, then finishes requests in flight.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `stop` completes.
    pub async fn run_until(
        self,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let scheduler = match self.state.config.cycle_tick {
            Some(every) => Some(
                crate::jobs::scheduler::start(self.state.db.clone(), every, &self.state.config)
                    .await?,
            ),
            None => None,
        };
        let served = axum::serve(self.listener, self.router)
            .with_graceful_shutdown(stop)
            .await;
        if let Some(mut scheduler) = scheduler {
            scheduler.shutdown().await?;
        }
        Ok(served?)
    }
}

/// Every route with the middleware around it.
pub fn router(state: AppState) -> Router {
    let body_limit = state.config.body_limit;
    Router::new()
        .merge(crate::api::router(&state.config))
        .merge(crate::api::health_router())
        .fallback(not_found)
        .layer(middleware::from_fn(problem_for_bare_errors))
        .merge(crate::web::router()) // HTML pages: merged after the problem+json layer, so their error pages stay HTML
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(CatchPanicLayer::custom(|_| {
            axum::response::IntoResponse::into_response(AppError::Internal(anyhow::anyhow!("handler panicked")))
        }))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(30)))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), id)
                })
                .on_request(())
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

async fn not_found() -> AppError {
    AppError::not_found(
        "there is nothing at this address; the API lives under /api/v1 (see /api/v1/openapi.json)",
    )
}

/// Errors produced outside our handlers (405, 408, 413…) come with an empty or
/// text body; give them the same problem document as everything else.
async fn problem_for_bare_errors(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let detail = match status {
        StatusCode::METHOD_NOT_ALLOWED => "this address does not accept that method".to_string(),
        StatusCode::PAYLOAD_TOO_LARGE => {
            "the request body is larger than this server accepts".to_string()
        }
        other => other.canonical_reason().unwrap_or("error").to_lowercase(),
    };
    let mut problem = AppError::BadRequest {
        detail,
        errors: Default::default(),
    }
    .problem();
    problem.status = status.as_u16();
    problem.title = status.canonical_reason().unwrap_or("Error").to_string();
    problem.kind = "about:blank".into();
    let mut fresh = problem_response(problem, false);
    if let Some(allow) = response.headers().get(header::ALLOW) {
        fresh.headers_mut().insert(header::ALLOW, allow.clone());
    }
    fresh
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
