//! Starting the service for a test, shared by the test binaries (each
//! includes this file with `#[path]`).

use sea_orm::DatabaseConnection;
use smarter::config::Config;
use smarter::startup::Application;

/// Builds the service from `config` (bound to port 0 for a free port) and
/// serves it on the test's runtime until the test ends; returns its
/// address (`http://127.0.0.1:<port>`) and its database.
pub async fn serve(config: Config) -> (String, DatabaseConnection) {
    let app = Application::build(config).await.expect("app builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.state().db.clone();
    tokio::spawn(app.run_until(std::future::pending()));
    (address, db)
}
