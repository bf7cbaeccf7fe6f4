//! The data page: CSV uploads as multipart forms (the CSRF token first),
//! counts on success, row errors with nothing stored on failure, the size
//! limit, access, and the list of last imports.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use smarter::domain::account::Role;

use crate::helpers::web::{Page, WebClient};
use crate::helpers::{TestApp, TestUser, dual_test};

const ORDERS: &str = include_str!("../../../examples/orders.csv");
const XSS: &str = "<script>alert(1)</script>";

async fn page_of(response: reqwest::Response) -> Page {
    let status = response.status();
    let headers = response.headers().clone();
    let location = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    Page {
        status,
        location,
        headers,
        body: response.text().await.expect("body read"),
    }
}

/// Sends a multipart form of `parts` (name, file name, content) in order.
async fn send(web: &WebClient, path: &str, parts: Vec<(&str, Option<&str>, Vec<u8>)>) -> Page {
    let mut form = Form::new();
    for (name, file_name, content) in parts {
        let part = Part::bytes(content);
        let part = match file_name {
            Some(f) => part.file_name(f.to_string()).mime_str("text/csv").unwrap(),
            None => part,
        };
        form = form.part(name.to_string(), part);
    }
    let response = web
        .client
        .post(web.url(path))
        .multipart(form)
        .send()
        .await
        .expect("request sent");
    page_of(response).await
}

/// Uploads a file as the page's form does: the token first, then the file.
async fn upload(
    web: &WebClient,
    user: &TestUser,
    kind: &str,
    file_name: &str,
    content: &[u8],
) -> Page {
    let path = format!("/imports/{kind}?team={}", user.team_id);
    let parts = vec![
        ("csrf", None, web.csrf.clone().into_bytes()),
        ("file", Some(file_name), content.to_vec()),
    ];
    send(web, &path, parts).await
}

async fn manager(app: &TestApp) -> (TestUser, WebClient) {
    let ann = app.user("ann@example.com", "Clinic", Role::Manager).await;
    let web = WebClient::signed_in(app, &ann).await;
    (ann, web)
}

dual_test! {
    async fn an_upload_is_stored_and_its_counts_shown(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let data = web.get(&format!("/imports?team={}", ann.team_id)).await;
        assert_eq!(data.status, StatusCode::OK);
        data.assert_contains("enctype=\"multipart/form-data\"")
            .assert_contains("order_id, customer_id, ordered_at, amount")
            .assert_contains("href=\"/examples/reviews.csv\"")
            .assert_contains("Nothing imported yet");
        let rows = ORDERS.lines().count() as i64 - 1;

        let page = upload(&web, &ann, "orders", "orders.csv", ORDERS.as_bytes()).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        page.assert_contains(&format!("{rows} orders rows read: {rows} new, 0 updated, 0 unchanged"));
        assert_eq!(app.count("orders").await, rows);

        let again = upload(&web, &ann, "orders", "orders.csv", ORDERS.as_bytes()).await;
        again.assert_contains(&format!("0 new, 0 updated, {rows} unchanged"));
        assert_eq!(app.count("orders").await, rows);

        let listed = web.get(&format!("/imports?team={}", ann.team_id)).await;
        listed.assert_contains("orders.csv").assert_contains("succeeded").assert_contains("Test User");
    }
}

#[tokio::test]
async fn the_example_files_are_served() {
    let app = TestApp::spawn(crate::helpers::Backend::Sqlite)
        .await
        .unwrap();
    let (_ann, web) = manager(&app).await;
    let file = web.get("/examples/orders.csv").await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.body.starts_with("order_id,customer_id"));
    assert_eq!(
        web.get("/examples/secret.txt").await.status,
        StatusCode::NOT_FOUND
    );
}

dual_test! {
    async fn a_broken_file_lists_its_row_errors_and_stores_nothing(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let csv = format!(
            "review_id,rating,source,reviewed_at,text\n\
             r1,5,google,2026-03-01,Fine\n\
             r2,6,google,2026-03-01,Too many stars\n\
             r3,{XSS},google,yesterday,\"{XSS}\"\n"
        );
        let page = upload(&web, &ann, "reviews", "reviews.csv", csv.as_bytes()).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.body);
        page.assert_contains("was not imported")
            .assert_contains("nothing was stored")
            .assert_contains("<td class=\"num\">3</td><td>rating</td>")
            .assert_contains("<td class=\"num\">4</td><td>reviewed_at</td>")
            .assert_contains("3 problem(s)")
            .assert_contains("&#60;script&#62;");
        assert!(!page.body.contains(XSS));
        assert_eq!(app.count("reviews").await, 0);
        let listed = web.get(&format!("/imports?team={}", ann.team_id)).await;
        listed.assert_contains("failed");
    }
}

dual_test! {
    async fn many_bad_rows_are_capped_with_the_total(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let mut csv = String::from("review_id,rating,source,reviewed_at\n");
        for i in 0..150 {
            csv.push_str(&format!("r{i},9,google,2026-03-01\n"));
        }
        let page = upload(&web, &ann, "reviews", "many.csv", csv.as_bytes()).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_contains("The first 100 of 150 problems");
        assert_eq!(page.body.matches("<td>rating</td>").count(), 100);
        assert_eq!(app.count("reviews").await, 0);
    }
}

dual_test! {
    async fn empty_non_utf8_and_wrong_kind_files_are_refused_clearly(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let empty = upload(&web, &ann, "orders", "empty.csv", b"").await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        empty.assert_contains("the file is empty");

        let latin1 = b"review_id,rating,source,reviewed_at,text\nr1,5,google,2026-03-01,Tr\xe8s bien\n";
        let page = upload(&web, &ann, "reviews", "latin1.csv", latin1).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_contains("not valid UTF-8");

        let reviews = "review_id,rating,source,reviewed_at\nr1,5,google,2026-03-01\n";
        let page = upload(&web, &ann, "orders", "reviews.csv", reviews.as_bytes()).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_contains("is not a column of orders");

        let page = upload(&web, &ann, "complaints", "x.csv", reviews.as_bytes()).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        page.assert_contains("upload orders, reviews or surveys");

        let page = upload(&web, &ann, "reviews", "", b"").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        page.assert_contains("choose a CSV file");

        for table in ["orders", "reviews", "survey_responses"] {
            assert_eq!(app.count(table).await, 0, "{table}");
        }
        let fine = upload(&web, &ann, "reviews", "fine.csv", reviews.as_bytes()).await;
        assert_eq!(fine.status, StatusCode::OK, "{}", fine.body);
    }
}

#[tokio::test]
async fn a_50_mb_upload_gets_a_413_page_and_the_server_stays_fine() {
    let app = TestApp::spawn(crate::helpers::Backend::Sqlite)
        .await
        .unwrap();
    let (ann, web) = manager(&app).await;
    let mut big = String::from("order_id,customer_id,ordered_at,amount\n");
    let line = "o0000000001,p00000001,2026-03-01T10:00:00Z,10.00\n";
    while big.len() < 50 * 1024 * 1024 {
        big.push_str(line);
    }
    let page = upload(&web, &ann, "orders", "big.csv", big.as_bytes()).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    page.assert_contains("The upload is too large")
        .assert_contains("32 MiB");
    assert_eq!(app.count("orders").await, 0);

    let next = web.get(&format!("/imports?team={}", ann.team_id)).await;
    assert_eq!(next.status, StatusCode::OK);
    let small = upload(&web, &ann, "orders", "orders.csv", ORDERS.as_bytes()).await;
    assert_eq!(small.status, StatusCode::OK);
}

#[tokio::test]
async fn a_streamed_upload_past_the_limit_stores_nothing() {
    let app = TestApp::spawn_with(crate::helpers::Backend::Sqlite, |c| {
        c.web_upload_limit = 1024 * 1024
    })
    .await
    .unwrap();
    let (ann, web) = manager(&app).await;
    let mut big = String::from("order_id,customer_id,ordered_at,amount\n");
    let mut i = 0;
    while big.len() < 3 * 1024 * 1024 {
        big.push_str(&format!("o{i},p{i},2026-03-01T10:00:00Z,10.00\n"));
        i += 1;
    }
    // A chunked body has no declared length: the limit is found while reading.
    let (status, text) =
        post_chunked_multipart(&app, &ann, "/imports/orders", big.as_bytes()).await;
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("1 MiB"), "{text}");
    assert_eq!(app.count("orders").await, 0);
    assert_eq!(
        web.get(&format!("/imports?team={}", ann.team_id))
            .await
            .status,
        StatusCode::OK
    );
}

dual_test! {
    async fn uploads_without_the_sessions_token_first_are_refused(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let path = format!("/imports/orders?team={}", ann.team_id);
        let file = || ("file", Some("orders.csv"), ORDERS.as_bytes().to_vec());

        let missing = send(&web, &path, vec![file()]).await;
        assert_eq!(missing.status, StatusCode::FORBIDDEN);
        let forged = send(&web, &path, vec![("csrf", None, b"forged".to_vec()), file()]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        let late = send(&web, &path, vec![file(), ("csrf", None, web.csrf.clone().into_bytes())]).await;
        assert_eq!(late.status, StatusCode::FORBIDDEN);

        let bob = app.user("bob@example.com", "Clinic", Role::Manager).await;
        let other = WebClient::signed_in(&app, &bob).await;
        let foreign = send(&web, &path, vec![("csrf", None, other.csrf.clone().into_bytes()), file()]).await;
        assert_eq!(foreign.status, StatusCode::FORBIDDEN);
        assert_eq!(app.count("orders").await, 0);
        assert_eq!(app.count("ingest_batches").await, 0);
    }
}

dual_test! {
    async fn viewers_see_the_data_page_but_cannot_upload(app: TestApp) {
        let vic = app.user("vic@example.com", "Clinic", Role::Viewer).await;
        let web = WebClient::signed_in(&app, &vic).await;
        let page = web.get(&format!("/imports?team={}", vic.team_id)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("type=\"file\""));
        let refused = upload(&web, &vic, "orders", "orders.csv", ORDERS.as_bytes()).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_eq!(app.count("orders").await, 0);

        let bob = app.user("bob@example.com", "Other", Role::Manager).await;
        let path = format!("/imports/orders?team={}", bob.team_id);
        let parts = vec![("csrf", None, web.csrf.clone().into_bytes()), ("file", Some("o.csv"), ORDERS.as_bytes().to_vec())];
        assert_eq!(send(&web, &path, parts).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.count("orders").await, 0);
    }
}

dual_test! {
    async fn a_hostile_file_name_is_shown_escaped(app: TestApp) {
        let (ann, web) = manager(&app).await;
        let name = format!("{XSS}.csv");
        let reviews = format!("review_id,rating,source,reviewed_at,text\nr1,5,google,2026-03-01,\"{XSS}\"\n");
        let page = upload(&web, &ann, "reviews", &name, reviews.as_bytes()).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        page.assert_contains("&#60;script&#62;alert(1)&#60;/script&#62;.csv");
        assert!(!page.body.contains(XSS));
        let listed = web.get(&format!("/imports?team={}", ann.team_id)).await;
        assert!(!listed.body.contains(XSS));
    }
}

/// Logs in without a cookie jar and returns the session cookie (`name=value`).
async fn session_cookie(app: &TestApp, user: &TestUser) -> String {
    let page = WebClient::new(app)
        .login(&user.email, crate::helpers::web::PASSWORD)
        .await;
    let cookie = page
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("smarter_session="))
        .expect("a session cookie");
    cookie.split(';').next().unwrap().to_string()
}

/// Posts the upload form as a chunked body over a plain TCP connection.
async fn post_chunked_multipart(
    app: &TestApp,
    user: &TestUser,
    path: &str,
    file: &[u8],
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let cookie = session_cookie(app, user).await;
    let csrf = crate::helpers::web::newest_session_csrf(app, user.id).await;
    let boundary = "XyZboundary42";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let host = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let mut request = format!(
        "POST {path}?team={} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nTransfer-Encoding: chunked\r\n\
         Connection: close\r\n\r\n",
        user.team_id
    )
    .into_bytes();
    for chunk in body.chunks(64 * 1024) {
        request.extend(format!("{:x}\r\n", chunk.len()).into_bytes());
        request.extend_from_slice(chunk);
        request.extend(b"\r\n");
    }
    request.extend(b"0\r\n\r\n");
    let _ = stream.write_all(&request).await;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}
