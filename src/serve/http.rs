//! The HTTP side: static files from `output/html` (with the reload script added to HTML
//! responses), the reload script itself, and the Server-Sent Events stream that tells open
//! pages to reload or to show the error overlay.

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::stream::Stream;
use serde::Deserialize;
use tokio::sync::watch;

use super::page::{self, EVENTS_PATH, SCRIPT_PATH};
use super::paths::{resolve, Refusal};
use crate::door::read::Reader;

/// The site below the project.
const SITE: &str = "output/html";

/// What open pages need to know about the latest builds.
#[derive(Debug, Clone)]
pub struct Status {
    /// Changes with every successful website build; a page showing another value reloads.
    pub generation: u64,
    /// The error overlay while the latest build failed.
    pub overlay: Option<Arc<str>>,
}

/// State shared by all requests.
pub struct App {
    /// The project (canonical); the site is its `output/html`, opened for every request
    /// without following links, so a link put there meanwhile serves nothing outside.
    pub project: PathBuf,
    /// The latest build status.
    pub status: watch::Receiver<Status>,
    /// Becomes `true` when the server shuts down; event streams end then.
    pub shutdown: watch::Receiver<bool>,
    /// The `Host` names answered to, on every address (defeats DNS rebinding).
    pub hosts: super::hosts::AllowedHosts,
}

/// The router of the preview server.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(SCRIPT_PATH, get(script))
        .route(EVENTS_PATH, get(events))
        .fallback(static_file)
        .layer(middleware::from_fn_with_state(Arc::clone(&app), check_host))
        .with_state(app)
}

/// Refuses requests for a host name that is not this machine's (403 with a plain German page).
async fn check_host(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .map(|h| h.to_str().unwrap_or("\u{fffd}"));
    if !app.hosts.allows(host) {
        let names: Vec<&str> = std::iter::once("localhost")
            .chain(app.hosts.names())
            .collect();
        let text = format!(
            "Zugriff verweigert.\n\nDie Vorschau antwortet nur unter den Namen und Adressen dieses Rechners ({}). \
             Soll sie unter einem weiteren Namen erreichbar sein, starten Sie sie mit amip serve --host NAME.\n",
            names.join(", ")
        );
        let mut response = (StatusCode::FORBIDDEN, text).into_response();
        set_headers(&mut response, "text/plain; charset=utf-8");
        return response;
    }
    next.run(request).await
}

async fn script() -> Response {
    let mut response = page::RELOAD_SCRIPT.into_response();
    set_headers(&mut response, "text/javascript; charset=utf-8");
    response
}

#[derive(Deserialize)]
struct EventsQuery {
    /// The build generation the page shows.
    stand: Option<u64>,
}

/// Per-client progress of the event stream.
struct Client {
    status: watch::Receiver<Status>,
    shutdown: watch::Receiver<bool>,
    page_generation: Option<u64>,
    shown: Option<Arc<str>>,
    first: bool,
}

impl Client {
    /// The event for the current status, if the page needs one.
    fn event_for(&mut self, status: &Status) -> Option<Event> {
        if self
            .page_generation
            .is_some_and(|page| page != status.generation)
        {
            self.page_generation = Some(status.generation);
            // The page reloads and gets the current overlay with it.
            self.shown = status.overlay.clone();
            return Some(
                Event::default()
                    .event("reload")
                    .data(status.generation.to_string()),
            );
        }
        match &status.overlay {
            Some(overlay) => {
                if self.shown.as_ref().is_some_and(|s| Arc::ptr_eq(s, overlay)) {
                    return None;
                }
                self.shown = Some(Arc::clone(overlay));
                Some(Event::default().event("fehler").data(overlay.as_ref()))
            }
            None => {
                if self.shown.take().is_some() || self.first {
                    Some(
                        Event::default()
                            .event("ok")
                            .data(status.generation.to_string()),
                    )
                } else {
                    None
                }
            }
        }
    }
}

async fn events(
    State(app): State<Arc<App>>,
    Query(query): Query<EventsQuery>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let client = Client {
        status: app.status.clone(),
        shutdown: app.shutdown.clone(),
        page_generation: query.stand,
        shown: None,
        first: true,
    };
    let stream = futures_util::stream::unfold(client, |mut client| async move {
        loop {
            if !client.first {
                tokio::select! {
                    changed = client.status.changed() => {
                        if changed.is_err() {
                            return None;
                        }
                    }
                    _ = client.shutdown.wait_for(|stop| *stop) => return None,
                }
            } else if *client.shutdown.borrow() {
                return None;
            }
            let status = client.status.borrow_and_update().clone();
            let event = client.event_for(&status);
            client.first = false;
            if let Some(event) = event {
                return Some((Ok(event), client));
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn static_file(State(app): State<Arc<App>>, request: Request) -> Response {
    let method = request.method().clone();
    if method != Method::GET && method != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "Nur GET und HEAD.");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    // The status first, then the file: a page is never older than the generation it names,
    // so no reload is missed.
    let status = app.status.borrow().clone();
    let raw = request.uri().path().to_string();
    let root = app.project.clone();
    let found = tokio::task::spawn_blocking(move || {
        let site = Reader::open(&root)
            .and_then(|project| project.folder(SITE))
            .map_err(|_| Refusal::NotFound)?;
        resolve(&site, &raw).map(|(rel, bytes)| (PathBuf::from(rel), bytes))
    })
    .await
    .unwrap_or(Err(Refusal::NotFound));
    let mut response = match found {
        Ok((path, bytes)) => {
            let kind = content_type(&path);
            let body = if kind.starts_with("text/html") {
                let text = String::from_utf8_lossy(&bytes);
                page::inject(&text, status.generation, status.overlay.as_deref()).into_bytes()
            } else {
                bytes
            };
            let mut response = Response::new(Body::from(body));
            set_headers(&mut response, kind);
            response
        }
        Err(Refusal::Forbidden) => plain(StatusCode::FORBIDDEN, "Zugriff verweigert."),
        Err(Refusal::Redirect(location)) => {
            let mut response = StatusCode::PERMANENT_REDIRECT.into_response();
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Err(Refusal::NotFound) => {
            let html = page::inject(
                page::not_found_page(),
                status.generation,
                status.overlay.as_deref(),
            );
            let mut response = (StatusCode::NOT_FOUND, html).into_response();
            set_headers(&mut response, "text/html; charset=utf-8");
            response
        }
    };
    if method == Method::HEAD {
        *response.body_mut() = Body::empty();
    }
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut response = (status, text).into_response();
    set_headers(&mut response, "text/plain; charset=utf-8");
    response
}

fn set_headers(response: &mut Response, content_type: &'static str) {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // A preview changes with every save: the browser must always ask again.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if content_type.starts_with("text/html") {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(page::PREVIEW_POLICY),
        );
    }
}

fn content_type(path: &std::path::Path) -> &'static str {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "json" => "application/json",
        "txt" | "typ" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
