//! What `amip serve` adds to HTML responses, and only to responses: the reload script and,
//! after a failed build, the error overlay. Files written to `output/html` never contain
//! either, so the site the web team uploads stays free of JavaScript.

use crate::text::escape_html;

use crate::diagnostic::Finding;

/// URL of the reload script, served by amip itself (no external request).
pub const SCRIPT_PATH: &str = "/__amip/reload.js";
/// URL of the Server-Sent Events stream the script listens to.
pub const EVENTS_PATH: &str = "/__amip/events";
/// Element id of the overlay; the script replaces or removes it.
pub const OVERLAY_ID: &str = "amip-fehler";

/// The reload script. It reloads the page after a successful build (`reload`), shows the
/// overlay sent with `fehler`, and removes it on `ok`. Without JavaScript the page works as
/// before; only the automatic reload is missing.
pub const RELOAD_SCRIPT: &str = r#"// amip serve: Vorschau neu laden, Fehler anzeigen.
(function () {
  "use strict";
  if (!window.EventSource) {
    return;
  }
  var script = document.currentScript;
  var generation = (script && script.getAttribute("data-stand")) || "0";
  var events = new EventSource("/__amip/events?stand=" + encodeURIComponent(generation));
  function removeOverlay() {
    var old = document.getElementById("amip-fehler");
    if (old) {
      old.parentNode.removeChild(old);
    }
  }
  events.addEventListener("reload", function () {
    events.close();
    window.location.reload();
  });
  events.addEventListener("fehler", function (event) {
    removeOverlay();
    document.body.insertAdjacentHTML("beforeend", event.data);
  });
  events.addEventListener("ok", removeOverlay);
})();
"#;

/// Which build failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The website (and with it everything).
    Website,
    /// Only the PDF; the website is current.
    Pdf,
}

/// The overlay for failed builds: German text, every finding with its place, `role="alert"`
/// so that screen readers announce it. One line (it is also sent as one SSE event).
pub fn overlay(failures: &[(Stage, &[Finding])]) -> String {
    let mut html = format!(
        "<div id=\"{OVERLAY_ID}\" role=\"alert\" lang=\"de\" style=\"position:fixed;left:0;right:0;bottom:0;z-index:2147483647;max-height:60vh;overflow:auto;margin:0;padding:1rem 1.5rem;background:#fff4f4;color:#1a1a1a;border-top:0.3rem solid #a4001d;box-shadow:0 -0.2rem 1rem rgba(0,0,0,0.25);font:1rem/1.5 'DejaVu Sans',Verdana,sans-serif;text-align:left\">"
    );
    for (stage, findings) in failures {
        let (title, note) = match stage {
            Stage::Website => (
                "Fehler beim Erstellen",
                "Die Vorschau zeigt den letzten fehlerfreien Stand. Dieser Hinweis verschwindet, sobald der Fehler behoben ist.",
            ),
            Stage::Pdf => (
                "Fehler beim Erstellen des PDF",
                "Die Website ist aktuell; zum Herunterladen steht das letzte fehlerfreie PDF bereit.",
            ),
        };
        html.push_str(&format!(
            "<h2 style=\"margin:0 0 0.5rem;font-size:1.25rem;color:#a4001d\">{title}</h2><p style=\"margin:0 0 0.5rem\">{note}</p><ul style=\"margin:0 0 0.75rem;padding-left:1.25rem\">"
        ));
        for finding in findings.iter() {
            html.push_str("<li style=\"margin:0.25rem 0\">");
            if let Some(place) = finding.place() {
                html.push_str("<code style=\"font-weight:bold\">");
                push_text(&mut html, &place);
                html.push_str("</code>: ");
            }
            if finding.severity == crate::diagnostic::Severity::Warning {
                html.push_str("Warnung: ");
            }
            push_text(&mut html, &finding.message);
            if let Some(help) = &finding.help {
                html.push_str("<br><span>Hinweis: ");
                push_text(&mut html, help);
                html.push_str("</span>");
            }
            html.push_str("</li>");
        }
        html.push_str("</ul>");
    }
    html.push_str("</div>");
    html
}

/// Escapes text for HTML and keeps it on one line (newlines become `<br>`).
fn push_text(html: &mut String, text: &str) {
    for (index, line) in text.lines().enumerate() {
        if index > 0 {
            html.push_str("<br>");
        }
        html.push_str(&escape_html(line));
    }
}

/// The pages' Content-Security-Policy forbids every script (`templates/html/basis.html`);
/// in the preview's responses it allows scripts from the preview itself, for the reload script.
const NO_SCRIPTS: &str = "script-src 'none'";
/// What the preview's responses say instead of [`NO_SCRIPTS`].
const OWN_SCRIPTS: &str = "script-src 'self'";

/// The Content-Security-Policy header of the preview's HTML responses: the pages' policy with
/// the preview's own reload script allowed.
pub const PREVIEW_POLICY: &str = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:";

/// Adds the reload script (with the build `generation` the page shows) and the overlay, if
/// any, just before `</body>` (or at the end when there is none), and lets the page's
/// Content-Security-Policy allow it: the files on disk keep forbidding every script.
pub fn inject(page: &str, generation: u64, overlay: Option<&str>) -> String {
    let addition = format!(
        "{}<script src=\"{SCRIPT_PATH}\" data-stand=\"{generation}\" defer></script>\n",
        overlay.unwrap_or_default()
    );
    let page = allow_own_scripts(page);
    let page = page.as_str();
    let at = find_body_end(page).unwrap_or(page.len());
    let mut out = String::with_capacity(page.len() + addition.len());
    out.push_str(page.get(..at).unwrap_or(page));
    out.push_str(&addition);
    out.push_str(page.get(at..).unwrap_or_default());
    out
}

/// `page` with its `script-src 'none'` (only the one in the page's head, where the
/// Content-Security-Policy stands) turned into `script-src 'self'`.
fn allow_own_scripts(page: &str) -> String {
    let head_end = page
        .as_bytes()
        .windows(7)
        .position(|window| window.eq_ignore_ascii_case(b"</head>"))
        .unwrap_or(0);
    match page.get(..head_end).and_then(|head| head.find(NO_SCRIPTS)) {
        Some(at) => {
            let mut out = String::with_capacity(page.len());
            out.push_str(page.get(..at).unwrap_or_default());
            out.push_str(OWN_SCRIPTS);
            out.push_str(page.get(at + NO_SCRIPTS.len()..).unwrap_or_default());
            out
        }
        None => page.to_string(),
    }
}

/// Byte offset of the last `</body>` (any case).
fn find_body_end(page: &str) -> Option<usize> {
    page.as_bytes()
        .windows(7)
        .rposition(|window| window.eq_ignore_ascii_case(b"</body>"))
}

/// A small German page for paths that do not exist; it reloads like every other page, so a
/// site that is not built yet appears once the first build succeeds.
pub fn not_found_page() -> &'static str {
    "<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8\">\n<title>Seite nicht gefunden</title>\n</head>\n<body>\n<main>\n<h1>Seite nicht gefunden</h1>\n<p>Diese Seite gibt es in der Vorschau nicht. <a href=\"/\">Zur Startseite</a></p>\n</main>\n</body>\n</html>\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preview_allows_its_own_script_in_the_policy_of_its_responses() {
        let page = "<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'none'\"></head><body><p>script-src 'none'</p></body></html>";
        let out = inject(page, 1, None);
        assert!(
            out.starts_with("<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self'\"></head>"),
            "{out}"
        );
        // Text in the body stays as written.
        assert!(out.contains("<p>script-src 'none'</p>"), "{out}");
    }

    #[test]
    fn script_goes_before_the_end_of_the_body() {
        let page = "<html><body><p>x</p></BODY></html>";
        let out = inject(page, 7, None);
        assert_eq!(
            out,
            "<html><body><p>x</p><script src=\"/__amip/reload.js\" data-stand=\"7\" defer></script>\n</BODY></html>"
        );
        assert!(inject("<p>ohne body</p>", 1, None).ends_with("defer></script>\n"));
    }

    #[test]
    fn overlay_names_place_and_escapes_messages() {
        let finding = Finding::error("Unerwartetes <Zeichen> & mehr\nzweite Zeile")
            .in_file("data/budget.yaml")
            .at("a: 1\nb: [\n", 2, 4)
            .with_help("Klammer schließen");
        let html = overlay(&[(Stage::Website, std::slice::from_ref(&finding))]);
        assert!(html.contains("role=\"alert\""));
        assert!(html.contains("Fehler beim Erstellen"));
        assert!(html.contains("data/budget.yaml:2:4"));
        assert!(html.contains("Unerwartetes &lt;Zeichen&gt; &amp; mehr<br>zweite Zeile"));
        assert!(html.contains("Hinweis: Klammer schließen"));
        assert!(!html.contains('\n'), "one line for the SSE event");
        let injected = inject("<body></body>", 3, Some(&html));
        assert!(injected.contains("id=\"amip-fehler\""));
    }
}
