//! Finding, installing and running the typst CLI.
//!
//! amip runs the pinned typst version as a separate process: `$AMIP_TYPST`, then the folder of
//! amip's own executable (so an IT department can ship both side by side), then `PATH`, then a
//! per-user cache folder. When none is there it installs typst-cli into that cache with
//! `cargo install` (it says so first, since that takes minutes), unless `AMIP_NO_INSTALL=1`.
//! Typst's diagnostics are read in its short format and mapped back to chapters.

use crate::door::machine;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The typst version amip is made for.
pub(crate) const TYPST_VERSION: &str = "0.15.1";
/// Only this minor version is accepted.
const TYPST_MINOR: &str = "0.15.";

/// Why typst could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TypstError {
    /// No typst and installing is off.
    #[error("typst {TYPST_VERSION} wurde nicht gefunden und AMIP_NO_INSTALL=1 verbietet die Installation.\nInstallieren Sie es mit:\n  cargo install typst-cli --locked --version {TYPST_VERSION}\nlegen Sie die typst-Datei in denselben Ordner wie amip\noder setzen Sie AMIP_TYPST auf den Pfad einer typst-Datei.")]
    NotFound,
    /// A typst of another version.
    #[error("{path} ist typst {found}, amip braucht typst {TYPST_VERSION} (0.15.x).\nInstallieren Sie es mit: cargo install typst-cli --locked --version {TYPST_VERSION}")]
    WrongVersion {
        /// The program.
        path: String,
        /// What it said.
        found: String,
    },
    /// `cargo install` failed.
    #[error("Die Installation von typst {TYPST_VERSION} ist fehlgeschlagen: {0}\nInstallieren Sie es selbst mit: cargo install typst-cli --locked --version {TYPST_VERSION}")]
    InstallFailed(String),
    /// typst could not be started.
    #[error("typst konnte nicht gestartet werden ({path}): {source}")]
    Start {
        /// The program.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
}

/// One diagnostic from `typst compile --diagnostic-format short`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypstDiagnostic {
    /// File as typst names it, relative to the build folder.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// "error" or "warning".
    pub severity: String,
    /// Typst's message.
    pub message: String,
}

/// Parses typst's short diagnostic lines (`main.typ:12:5: error: …`); other lines are kept
/// as messages without a place.
pub(crate) fn parse_diagnostics(stderr: &str) -> Vec<TypstDiagnostic> {
    let mut out: Vec<TypstDiagnostic> = Vec::new();
    for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
        let mut parts = line.splitn(5, ':');
        let parsed = (|| {
            let file = parts.next()?.trim().to_string();
            let line_no = parts.next()?.trim().parse().ok()?;
            let column = parts.next()?.trim().parse().ok()?;
            let severity = parts.next()?.trim().to_string();
            let message = parts.next()?.trim().to_string();
            Some(TypstDiagnostic {
                file,
                line: line_no,
                column,
                severity,
                message,
            })
        })();
        match parsed {
            Some(diagnostic) => out.push(diagnostic),
            None => {
                let (severity, message) = match line.split_once(':') {
                    Some((kind @ ("error" | "warning"), rest)) => {
                        (kind.to_string(), rest.trim().to_string())
                    }
                    _ => ("error".to_string(), line.trim().to_string()),
                };
                out.push(TypstDiagnostic {
                    file: String::new(),
                    line: 0,
                    column: 0,
                    severity,
                    message,
                });
            }
        }
    }
    out
}

/// The version a typst program reports, e.g. "0.15.1".
pub(crate) fn version_of(program: &Path) -> Result<String, TypstError> {
    let output = Command::new(program)
        .arg("--version")
        .output()
        .map_err(|source| TypstError::Start {
            path: program.display().to_string(),
            source,
        })?;
    let text = String::from_utf8_lossy(&output.stdout);
    Ok(text
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_string())
}

fn check_version(program: &Path) -> Result<PathBuf, TypstError> {
    // A program file that passed before (same place, size and modification time) is not asked
    // again: `typst --version` costs several milliseconds of every build.
    let stamp = checked_stamp(program);
    if stamp.is_some() && machine::read_note(&checked_file()) == stamp {
        return Ok(program.to_path_buf());
    }
    accept(program)?;
    if let Some(stamp) = stamp {
        // Written whole and renamed, so a build running at the same time never reads half.
        machine::write_note(&checked_file(), &stamp);
    }
    Ok(program.to_path_buf())
}

/// `program` when it is typst of the pinned minor version (asked every time, remembered nowhere).
fn accept(program: &Path) -> Result<PathBuf, TypstError> {
    let found = version_of(program)?;
    if found.starts_with(TYPST_MINOR) {
        Ok(program.to_path_buf())
    } else {
        Err(TypstError::WrongVersion {
            path: program.display().to_string(),
            found,
        })
    }
}

/// Where amip remembers the typst program that last passed the version check.
fn checked_file() -> PathBuf {
    cache_root().with_file_name(format!("typst-{TYPST_VERSION}-geprueft.txt"))
}

/// What identifies a program file: its real path, size and modification time.
fn checked_stamp(program: &Path) -> Option<String> {
    let (real, len, modified) = machine::program_identity(program)?;
    let modified = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(format!(
        "{}\n{}\n{}.{:09}\n",
        real.display(),
        len,
        modified.as_secs(),
        modified.subsec_nanos()
    ))
}

/// The per-user folder the pinned typst is installed into.
pub(crate) fn cache_root() -> PathBuf {
    dirs::cache_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("amip")
        .join(format!("typst-{TYPST_VERSION}"))
}

/// The typst program's file name on this system (`typst.exe` on Windows).
fn program_name() -> String {
    format!("typst{}", std::env::consts::EXE_SUFFIX)
}

/// The folder `cargo install --root` puts the cache's typst into.
fn cache_bin() -> PathBuf {
    cache_root().join("bin")
}

/// The typst installed into the user cache.
fn cached_program() -> PathBuf {
    cache_bin().join(program_name())
}

/// Where amip looks for typst, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Places {
    /// `$AMIP_TYPST`, the program itself; when set, nothing else is tried.
    explicit: Option<PathBuf>,
    /// Folders that may hold the program file: amip's own folder, the `PATH` entries, the
    /// cache's `bin/`.
    folders: Vec<PathBuf>,
}

impl Places {
    /// The places this process looks in: `AMIP_TYPST`, beside amip's executable, `PATH`,
    /// the user cache. amip's own folder comes before `PATH` because a typst shipped with
    /// amip is the one made for it; a system-wide typst may be of another version.
    fn from_env() -> Self {
        let explicit = std::env::var_os("AMIP_TYPST")
            .filter(|value| !value.is_empty())
            .map(PathBuf::from);
        let mut folders: Vec<PathBuf> = own_folder().into_iter().collect();
        if let Some(path) = std::env::var_os("PATH") {
            folders.extend(std::env::split_paths(&path));
        }
        folders.push(cache_bin());
        Places { explicit, folders }
    }
}

/// The folder of amip's executable, a symbolic link followed to the real file (a link in
/// `/usr/local/bin` to `/opt/amip/amip` finds the typst in `/opt/amip`).
fn own_folder() -> Option<PathBuf> {
    machine::own_executable()?.parent().map(Path::to_path_buf)
}

/// The first usable typst in `places`, each candidate judged by `check`. A typst of another
/// version is passed over (and told of when none fits); one that cannot be started is an
/// error. Relative folders (an empty `PATH` entry means the current folder) are skipped: the
/// folder amip runs in may be a project that someone else wrote.
/// `Ok(Err(wrong))`: none usable is installed (`wrong` tells of the first of another version).
fn search(
    places: &Places,
    check: impl Fn(&Path) -> Result<PathBuf, TypstError>,
) -> Result<Result<PathBuf, Option<TypstError>>, TypstError> {
    if let Some(explicit) = &places.explicit {
        return check(explicit).map(Ok);
    }
    let name = program_name();
    let mut wrong = None;
    for folder in places.folders.iter().filter(|folder| folder.is_absolute()) {
        let candidate = folder.join(&name);
        if !machine::is_file(&candidate) {
            continue;
        }
        match check(&candidate) {
            Ok(found) => return Ok(Ok(found)),
            Err(err @ TypstError::WrongVersion { .. }) => {
                wrong.get_or_insert(err);
            }
            Err(err) => return Err(err),
        }
    }
    Ok(Err(wrong))
}

/// Looks for an installed typst in the [`Places`] of this process.
fn installed() -> Result<Result<PathBuf, Option<TypstError>>, TypstError> {
    search(&Places::from_env(), check_version)
}

/// Finds an installed typst of the pinned minor version and never installs one: `amip serve`
/// must not start a minutes-long installation in the background.
pub(crate) fn find() -> Result<PathBuf, TypstError> {
    match installed()? {
        Ok(program) => Ok(program),
        Err(wrong) => Err(wrong.unwrap_or(TypstError::NotFound)),
    }
}

/// Finds an installed typst without installing one; `None` when [`find_or_install`] would
/// have to install it. Cheap enough to run alongside other work (`typst --version`).
pub(crate) fn find_installed() -> Option<Result<PathBuf, TypstError>> {
    match installed() {
        Ok(Ok(found)) => Some(Ok(found)),
        Ok(Err(_)) => None,
        Err(err) => Some(Err(err)),
    }
}

/// Finds a typst of the pinned minor version, installing it when allowed.
pub(crate) fn find_or_install(quiet: bool) -> Result<PathBuf, TypstError> {
    let wrong = match installed()? {
        Ok(found) => return Ok(found),
        Err(wrong) => wrong,
    };
    if std::env::var("AMIP_NO_INSTALL").is_ok_and(|v| v == "1") {
        return Err(wrong.unwrap_or(TypstError::NotFound));
    }
    if !quiet {
        crate::errln!(
            "typst {TYPST_VERSION} wird einmalig nach {} installiert (cargo install, das dauert einige Minuten) …",
            cache_root().display()
        );
    }
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args([
            "install",
            "typst-cli",
            "--locked",
            "--version",
            TYPST_VERSION,
            "--root",
        ])
        .arg(cache_root())
        .status()
        .map_err(|err| TypstError::InstallFailed(err.to_string()))?;
    if !status.success() {
        return Err(TypstError::InstallFailed(format!(
            "cargo install endete mit {status}"
        )));
    }
    check_version(&cached_program())
}

/// Runs `typst compile` in `dir` (which is also the root) and writes `output`.
pub(crate) fn compile(
    typst: &Path,
    dir: &Path,
    output: &Path,
    timestamp: i64,
    font_dir: &str,
) -> Result<Result<(), Vec<TypstDiagnostic>>, TypstError> {
    spawn_compile(typst, dir, output, timestamp, font_dir)?.wait()
}

/// A `typst compile` running in the background; [`TypstRun::wait`] collects its result.
/// Dropped without waiting, it stops typst, so nothing writes into a discarded build folder.
#[derive(Debug)]
pub(crate) struct TypstRun {
    child: Option<std::process::Child>,
    path: String,
    packages: std::path::PathBuf,
}

/// Starts `typst compile` like [`compile`] and returns at once, so other work can go on
/// while typst sets the PDF.
pub(crate) fn spawn_compile(
    typst: &Path,
    dir: &Path,
    output: &Path,
    timestamp: i64,
    font_dir: &str,
) -> Result<TypstRun, TypstError> {
    // Confinement: packages only from an empty folder inside the build folder (no
    // `@local/…` from the user's home, no cached `@preview/…`), and downloads fail at once
    // through an unreachable proxy, so only the project's own files are reachable.
    let packages = dir.join(PACKAGE_DIR);
    machine::create_own_folder(&packages).map_err(|source| TypstError::Start {
        path: packages.display().to_string(),
        source,
    })?;
    let mut command = Command::new(typst);
    for (name, _) in std::env::vars_os() {
        let upper = name.to_string_lossy().to_ascii_uppercase();
        if upper.starts_with("TYPST_") || upper.ends_with("_PROXY") {
            command.env_remove(&name);
        }
    }
    for proxy in [
        "HTTPS_PROXY",
        "HTTP_PROXY",
        "https_proxy",
        "http_proxy",
        "ALL_PROXY",
    ] {
        command.env(proxy, NO_NETWORK_PROXY);
    }
    let child = command
        .current_dir(dir)
        .arg("compile")
        .arg("main.typ")
        .arg(output)
        .args(["--root", "."])
        .args(["--font-path", font_dir])
        .arg("--ignore-system-fonts")
        .args(["--creation-timestamp", &timestamp.to_string()])
        .args(["--pdf-standard", "ua-1,a-2a"])
        .args(["--diagnostic-format", "short"])
        .args(["--package-path", PACKAGE_DIR])
        .args(["--package-cache-path", PACKAGE_DIR])
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|source| TypstError::Start {
            path: typst.display().to_string(),
            source,
        })?;
    Ok(TypstRun {
        child: Some(child),
        path: typst.display().to_string(),
        packages,
    })
}

/// The empty package folder typst is given, inside the folder it runs in (removed after).
pub(crate) const PACKAGE_DIR: &str = ".typst-pakete";
/// A proxy nobody listens on: typst's package downloads fail at once instead of reaching out.
const NO_NETWORK_PROXY: &str = "http://127.0.0.1:9";

impl TypstRun {
    /// Waits for typst; `Ok(Err(diagnostics))` when it reported errors.
    pub(crate) fn wait(mut self) -> Result<Result<(), Vec<TypstDiagnostic>>, TypstError> {
        let Some(child) = self.child.take() else {
            return Ok(Ok(()));
        };
        let result = child.wait_with_output();
        machine::remove_own_folder(&self.packages);
        let result = result.map_err(|source| TypstError::Start {
            path: self.path.clone(),
            source,
        })?;
        if result.status.success() {
            Ok(Ok(()))
        } else {
            let stderr = String::from_utf8_lossy(&result.stderr);
            Ok(Err(parse_diagnostics(&stderr)))
        }
    }
}

impl Drop for TypstRun {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        machine::remove_own_folder(&self.packages);
    }
}

/// typst's English message in German; messages amip does not know are quoted as they are.
pub(crate) fn translate_message(message: &str) -> String {
    let quoted = |text: &str| {
        text.trim_matches(|c| c == '`' || c == '"' || c == '<' || c == '>')
            .to_string()
    };
    if let Some(rest) = message.split("the text ").nth(1) {
        if let Some((text, _)) = rest.split_once(" could not be displayed") {
            let text = quoted(text);
            let codes: Vec<String> = text
                .chars()
                .map(|c| format!("U+{:04X}", c as u32))
                .collect();
            return format!(
                "das Zeichen „{text}“ ({}) kann im PDF nicht dargestellt werden; die Schrift enthält es nicht. Ersetzen Sie es durch Text.",
                codes.join(", ")
            );
        }
    }
    if message.contains("maximum show rule depth exceeded")
        || message.contains("maximum layout depth exceeded")
        || message.contains("maximum function call depth exceeded")
    {
        return "der Text ist zu tief verschachtelt (Zitate, Listen oder Hervorhebungen ineinander). Verringern Sie die Verschachtelung.".into();
    }
    if let Some(rest) = message.strip_prefix("label ") {
        if let Some((label, _)) = rest.split_once(" does not exist") {
            return format!(
                "ein Link oder Verweis zeigt auf den Anker „{}“, den es im PDF nicht gibt.",
                quoted(label)
            );
        }
    }
    if let Some(name) = message.strip_prefix("unknown variable: ") {
        return format!("unbekannter Name „{name}“ (Tippfehler in der Vorlage?).");
    }
    if let Some(rest) = message.strip_prefix("file not found") {
        return format!(
            "eine Datei fehlt{}.",
            rest.replace("searched at", "gesucht unter")
        );
    }
    if let Some(reason) = message.strip_prefix("failed to decode image") {
        return format!(
            "ein Bild kann nicht gelesen werden{}; es ist beschädigt oder in keinem Format, das typst setzen kann. Speichern Sie es neu als PNG, JPEG oder SVG.",
            if reason.trim().is_empty() { "" } else { " (Datei unvollständig oder fehlerhaft)" }
        );
    }
    format!("typst meldet (nicht übersetzt): „{message}“")
}

/// The 1-based line of `source` (a chapter) that shares the most words with `typst_line`
/// (a line of the generated Typst document), to point a typst error at the author's text.
pub(crate) fn matching_line(typst_line: &str, source: &str) -> Option<usize> {
    fn words(text: &str) -> Vec<&str> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|word| word.chars().count() >= 3)
            .collect()
    }
    let wanted = words(typst_line);
    if wanted.is_empty() {
        return None;
    }
    source
        .lines()
        .enumerate()
        .map(|(index, line)| {
            let have = words(line);
            (wanted.iter().filter(|w| have.contains(w)).count(), index)
        })
        .filter(|(shared, _)| *shared > 0)
        // The most shared words; on a tie the earliest line.
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        .map(|(_, index)| index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_diagnostics_are_parsed() {
        let diagnostics = parse_diagnostics(
            "main.typ:12:5: error: unknown variable: x\nerror: failed to load file\n",
        );
        assert_eq!(diagnostics.len(), 2);
        assert_eq!(diagnostics[0].file, "main.typ");
        assert_eq!(diagnostics[0].line, 12);
        assert_eq!(diagnostics[0].column, 5);
        assert_eq!(diagnostics[0].message, "unknown variable: x");
        assert_eq!(diagnostics[1].file, "");
        assert_eq!(diagnostics[1].message, "failed to load file");
    }

    #[test]
    fn typst_messages_are_german() {
        let glyph = translate_message(
            "PDF/A-2a, PDF/UA-1 error: the text `\"中\"` could not be displayed with font `\"DejaVu Sans\"`",
        );
        assert!(glyph.contains("„中“ (U+4E2D)"), "{glyph}");
        assert!(translate_message("maximum show rule depth exceeded").contains("verschachtelt"));
        let label = translate_message("label `<oben>` does not exist in the document");
        assert!(label.contains("„oben“"), "{label}");
        assert_eq!(
            translate_message("unknown variable: outlinee"),
            "unbekannter Name „outlinee“ (Tippfehler in der Vorlage?)."
        );
    }

    #[test]
    fn a_typst_line_finds_its_chapter_line() {
        let source = "# Titel\n\nErster Absatz mit Wörtern.\n\nZweiter Absatz hier.\n";
        assert_eq!(matching_line("Zweiter Absatz hier\\.", source), Some(5));
        assert_eq!(matching_line("#x", source), None);
    }

    /// Writes a fake typst into `folder` that reports `version`, and waits until it runs: a
    /// process another test forks at the moment of writing may hold the file open for a
    /// moment (ETXTBSY).
    #[cfg(unix)]
    fn fake_typst(folder: &Path, version: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir_all(folder).unwrap();
        let program = folder.join(program_name());
        std::fs::write(&program, format!("#!/bin/sh\necho 'typst {version}'\n")).unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        for _ in 0..200 {
            match Command::new(&program).arg("--version").output() {
                Err(err) if err.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                _ => break,
            }
        }
        program
    }

    #[cfg(unix)]
    fn places(explicit: Option<&Path>, folders: &[&Path]) -> Places {
        Places {
            explicit: explicit.map(Path::to_path_buf),
            folders: folders.iter().map(|folder| folder.to_path_buf()).collect(),
        }
    }

    #[cfg(unix)]
    #[test]
    fn typst_beside_amip_comes_before_path_and_cache() {
        let root = tempfile::tempdir().unwrap();
        let beside = root.path().join("programme");
        let on_path = root.path().join("usr-bin");
        let cache = root.path().join("cache-bin");
        let empty = root.path().join("leer");
        std::fs::create_dir_all(&empty).unwrap();
        let beside_typst = fake_typst(&beside, "0.15.1");
        let path_typst = fake_typst(&on_path, "0.15.1");
        let cache_typst = fake_typst(&cache, "0.15.0");
        let found = |folders: &[&Path]| search(&places(None, folders), accept).unwrap().unwrap();
        assert_eq!(found(&[&beside, &on_path, &cache]), beside_typst);
        assert_eq!(found(&[&empty, &on_path, &cache]), path_typst);
        assert_eq!(found(&[&empty, &cache]), cache_typst);
    }

    #[cfg(unix)]
    #[test]
    fn amip_typst_overrides_every_folder() {
        let root = tempfile::tempdir().unwrap();
        let beside = root.path().join("programme");
        fake_typst(&beside, "0.15.1");
        let chosen = fake_typst(&root.path().join("eigen"), "0.15.1");
        let found = search(&places(Some(&chosen), &[&beside]), accept).unwrap();
        assert_eq!(found.unwrap(), chosen);
        let old = fake_typst(&root.path().join("alt"), "0.13.1");
        let err = search(&places(Some(&old), &[&beside]), accept).unwrap_err();
        assert!(
            matches!(&err, TypstError::WrongVersion { found, .. } if found == "0.13.1"),
            "{err}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn another_version_is_passed_over_and_named_when_none_fits() {
        let root = tempfile::tempdir().unwrap();
        let beside = root.path().join("programme");
        let on_path = root.path().join("usr-bin");
        let old = fake_typst(&beside, "0.14.2");
        let good = fake_typst(&on_path, "0.15.1");
        let found = search(&places(None, &[&beside, &on_path]), accept).unwrap();
        assert_eq!(found.unwrap(), good);
        let none = search(&places(None, &[&beside]), accept).unwrap();
        match none {
            Err(Some(TypstError::WrongVersion { path, found })) => {
                assert_eq!(path, old.display().to_string());
                assert_eq!(found, "0.14.2");
            }
            other => panic!("expected the wrong version, got {other:?}"),
        }
        let nothing = search(&places(None, &[root.path()]), accept).unwrap();
        assert!(matches!(nothing, Err(None)), "{nothing:?}");
    }

    #[cfg(unix)]
    #[test]
    fn relative_folders_are_never_searched() {
        let root = tempfile::tempdir().unwrap();
        let inside = root.path().join("projekt");
        fake_typst(&inside, "0.15.1");
        // A relative folder resolves against the current folder; the project folder of a
        // stranger must not supply the program amip runs.
        let relative = relative_to_current_folder(&inside);
        let found = search(&places(None, &[&relative]), accept).unwrap();
        assert!(matches!(found, Err(None)), "{found:?}");
    }

    /// `target` relative to the current folder, through `..` steps.
    #[cfg(unix)]
    fn relative_to_current_folder(target: &Path) -> PathBuf {
        let here = std::env::current_dir().unwrap();
        let mut up = PathBuf::new();
        for _ in here.components().skip(1) {
            up.push("..");
        }
        up.join(target.strip_prefix("/").unwrap())
    }

    #[test]
    fn the_places_start_beside_the_executable_and_end_in_the_cache() {
        let places = Places::from_env();
        let exe = std::env::current_exe().unwrap();
        let exe = std::fs::canonicalize(&exe).unwrap_or(exe);
        assert_eq!(
            places.folders.first(),
            exe.parent().map(Path::to_path_buf).as_ref()
        );
        assert_eq!(places.folders.last(), Some(&cache_root().join("bin")));
        assert!(program_name().starts_with("typst"));
    }

    #[test]
    fn a_missing_program_is_a_start_error() {
        let err = version_of(Path::new("/nonexistent/typst")).unwrap_err();
        assert!(err.to_string().contains("konnte nicht gestartet werden"));
    }
}
