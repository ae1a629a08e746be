//! Issue 19: one guarded door for reading and writing. Every test puts a canary outside the
//! project (a secret file, a foreign folder with a file that must survive) and asserts the
//! refusal by name, exit code 1, and that nothing outside was read, written or deleted.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use crate::common::{amip, copy_dir, describe, repo};

const SECRET: &str = "Passwort;4711\nPIN;2718\n";

/// The example at `outer/a/projekt`, a secret at `outer/secret/secret.csv` and a foreign
/// folder `outer/woanders` with a file and a `build-99999/` folder that must survive.
struct Scene {
    outer: tempfile::TempDir,
    project: PathBuf,
}

impl Scene {
    fn new() -> Self {
        let outer = tempfile::tempdir().unwrap();
        let project = outer.path().join("a/projekt");
        for folder in ["content", "data", "templates"] {
            copy_dir(&repo().join(folder), &project.join(folder));
        }
        fs::create_dir_all(outer.path().join("secret")).unwrap();
        fs::write(outer.path().join("secret/secret.csv"), SECRET).unwrap();
        fs::create_dir_all(outer.path().join("woanders/build-99999")).unwrap();
        fs::write(outer.path().join("woanders/fremd.txt"), "bleibt").unwrap();
        Self { outer, project }
    }

    fn elsewhere(&self) -> PathBuf {
        self.outer.path().join("woanders")
    }

    /// Names, contents and modification times of everything outside the project.
    fn outside(&self) -> Vec<(PathBuf, Vec<u8>, SystemTime)> {
        let mut found = Vec::new();
        walk(self.outer.path(), &self.project, &mut found);
        found.sort();
        found
    }

    fn add_source(&self, name: &str, datei: &str) {
        let path = self.project.join("data/quellen.yaml");
        let mut text = fs::read_to_string(&path).unwrap();
        text.push_str(&format!(
            "\n{name}:\n  datei: {datei}\n  werte:\n    zielgruppen.{name}:\n      zeile: Passwort\n      spalte: B\n"
        ));
        fs::write(path, text).unwrap();
    }
}

fn walk(dir: &Path, skip: &Path, found: &mut Vec<(PathBuf, Vec<u8>, SystemTime)>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path == skip {
            continue;
        }
        let meta = fs::symlink_metadata(&path).unwrap();
        if meta.is_dir() {
            found.push((path.clone(), Vec::new(), meta.modified().unwrap()));
            walk(&path, skip, found);
        } else {
            let bytes = fs::read(&path).unwrap_or_default();
            found.push((path, bytes, meta.modified().unwrap()));
        }
    }
}

fn text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn fails_naming(output: &std::process::Output, names: &[&str]) -> String {
    let all = text(output);
    assert_eq!(output.status.code(), Some(1), "{}", describe(output));
    assert!(!all.contains("panicked"), "{all}");
    for name in names {
        assert!(all.contains(name), "expected „{name}“ in:\n{all}");
    }
    for secret in ["4711", "Passwort", "2718", "root:x:"] {
        assert!(
            !all.contains(secret),
            "a refused file's contents leaked: {all}"
        );
    }
    all
}

#[test]
fn sources_outside_the_project_are_refused_and_never_shown() {
    let scene = Scene::new();
    let before = scene.outside();
    scene.add_source("geheim", "../../../secret/secret.csv");
    let output = amip(&scene.project, &["build", "--html"]);
    let all = fails_naming(
        &output,
        &[
            "data/../../../secret/secret.csv",
            "außerhalb des Projektordners",
        ],
    );
    assert!(all.contains("data/quellen.yaml"), "{all}");
    assert!(!scene.project.join("output").exists());
    assert_eq!(scene.outside(), before, "nothing outside was touched");
}

#[test]
fn links_to_secrets_devices_and_fifos_as_sources_are_refused_at_once() {
    let scene = Scene::new();
    let quellen = scene.project.join("data/quellen");
    symlink(
        scene.outer.path().join("secret/secret.csv"),
        quellen.join("geheim.csv"),
    )
    .unwrap();
    symlink("/etc/passwd", quellen.join("passwd.csv")).unwrap();
    symlink("/dev/zero", quellen.join("geraet.csv")).unwrap();
    let made = Command::new("mkfifo")
        .arg(quellen.join("rohr.csv"))
        .status()
        .unwrap();
    assert!(made.success());
    for name in ["geheim", "passwd", "geraet", "rohr"] {
        scene.add_source(name, &format!("quellen/{name}.csv"));
    }
    let before = scene.outside();
    // A FIFO used to block the check forever: it must end on its own, quickly.
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_amip"))
        .arg("--project")
        .arg(&scene.project)
        .arg("check")
        .env("AMIP_NO_INSTALL", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("amip check hangs on a FIFO or device as source");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    fails_naming(
        &output,
        &[
            "data/quellen/geheim.csv liegt außerhalb des Projektordners, über eine Verknüpfung",
            "data/quellen/passwd.csv liegt außerhalb",
            "data/quellen/geraet.csv liegt außerhalb",
            "data/quellen/rohr.csv ist keine gewöhnliche Datei, sondern eine Pipe",
        ],
    );
    assert_eq!(scene.outside(), before);
}

#[test]
fn a_build_replaces_linked_output_and_work_folders_without_following_them() {
    let scene = Scene::new();
    symlink(scene.elsewhere(), scene.project.join("output")).unwrap();
    symlink(scene.elsewhere(), scene.project.join(".amip-tmp")).unwrap();
    let before = scene.outside();
    let output = amip(&scene.project, &["build", "--html"]);
    assert!(output.status.success(), "{}", describe(&output));
    let meta = fs::symlink_metadata(scene.project.join("output")).unwrap();
    assert!(meta.is_dir(), "output is a real folder now");
    assert!(scene.project.join("output/html/index.html").is_file());
    assert_eq!(scene.outside(), before, "the linked folder is as it was");
}

#[test]
fn diff_pages_are_never_written_through_a_linked_output() {
    let scene = Scene::new();
    fs::create_dir_all(scene.project.join("output")).unwrap();
    symlink(scene.elsewhere(), scene.project.join("output/diff")).unwrap();
    let before = scene.outside();
    let output = amip(
        &scene.project,
        &["diff", scene.project.to_str().unwrap(), "--html"],
    );
    assert!(
        output.status.code().is_some_and(|code| code <= 1),
        "{}",
        describe(&output)
    );
    assert!(scene.project.join("output/diff/index.html").is_file());
    assert!(!fs::symlink_metadata(scene.project.join("output/diff"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(scene.outside(), before);
}

#[test]
fn new_year_never_copies_through_links_nor_into_a_project() {
    let scene = Scene::new();
    symlink(
        scene.elsewhere(),
        scene.project.join("content/bilder/geheim"),
    )
    .unwrap();
    let before = scene.outside();
    // Inside the project: output/ would be deleted by the next build, content/ copied into
    // itself; anywhere inside is refused, and nothing is created.
    for target in [
        "output/entwurf-2021",
        "content/entwurf-2021",
        "entwurf-2021",
    ] {
        let output = amip(
            &scene.project,
            &["new-year", &scene.project.join(target).to_string_lossy()],
        );
        let all = fails_naming(&output, &["liegt im"]);
        assert!(all.contains("außerhalb des Projekts"), "{all}");
        assert!(!scene.project.join(target).exists(), "{target}");
    }
    assert!(!scene.project.join("output").exists());
    let next = scene.outer.path().join("a/naechstes");
    let output = amip(&scene.project, &["new-year", &next.to_string_lossy()]);
    assert!(output.status.success(), "{}", describe(&output));
    assert!(
        text(&output).contains("content/bilder/geheim"),
        "the link is named: {}",
        text(&output)
    );
    assert!(
        !next.join("content/bilder/geheim").exists(),
        "the linked folder is not copied"
    );
    assert!(next.join("content/bilder/logo.svg").is_file());
    let built = amip(&next, &["check"]);
    assert!(built.status.success(), "{}", describe(&built));
    // Only the new folder was added (its parent's time changes with it).
    let parent = scene.outer.path().join("a");
    let unchanged = |list: Vec<(PathBuf, Vec<u8>, SystemTime)>| -> Vec<_> {
        list.into_iter()
            .filter(|(path, _, _)| !path.starts_with(&next) && *path != parent)
            .collect()
    };
    assert_eq!(unchanged(scene.outside()), unchanged(before));
}

#[test]
fn new_year_in_place_replaces_files_whole_and_keeps_links_out_of_data() {
    let scene = Scene::new();
    // A data file that is a link to a file outside is refused before anything is written.
    symlink(
        scene.outer.path().join("secret/secret.csv"),
        scene.project.join("data/geheim.yaml"),
    )
    .unwrap();
    let programme = fs::read(scene.project.join("data/programm.yaml")).unwrap();
    let output = amip(&scene.project, &["new-year", "--hier"]);
    fails_naming(&output, &["data/geheim.yaml liegt außerhalb"]);
    assert_eq!(
        fs::read(scene.project.join("data/programm.yaml")).unwrap(),
        programme
    );
    fs::remove_file(scene.project.join("data/geheim.yaml")).unwrap();
    let output = amip(&scene.project, &["new-year", "--hier"]);
    assert!(output.status.success(), "{}", describe(&output));
    let text = fs::read_to_string(scene.project.join("data/programm.yaml")).unwrap();
    assert!(text.contains("2021"), "{text}");
    let leftovers: Vec<_> = fs::read_dir(scene.project.join("data"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The door is the only module that touches the file system: outside `src/door/` (and unit
/// tests) no source file opens, lists, writes or removes a file itself.
#[test]
fn no_module_but_the_door_touches_the_file_system() {
    let forbidden = [
        "std::fs",
        "fs::read",
        "fs::write",
        "File::open",
        "File::create",
        "OpenOptions",
        "read_dir",
        "WalkDir",
        "walkdir::",
        "remove_file",
        "remove_dir",
        "create_dir",
        "tempfile::",
        "canonicalize",
        ".is_file()",
        ".is_dir()",
        ".exists()",
    ];
    let mut offenders = Vec::new();
    let mut stack = vec![repo().join("src")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if !path.ends_with("door") && !path.ends_with("tests") {
                    stack.push(path);
                }
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !name.ends_with(".rs") || name == "tests.rs" {
                continue;
            }
            let source = fs::read_to_string(&path).unwrap();
            let code = source.split("#[cfg(test)]").next().unwrap_or_default();
            for (number, line) in code.lines().enumerate() {
                let line = line.trim_start();
                if line.starts_with("//") {
                    continue;
                }
                for word in forbidden {
                    // A word of its own: `CompoundFile::open` on bytes in memory is no file.
                    let alone = line.match_indices(word).any(|(at, _)| {
                        !line[..at]
                            .chars()
                            .next_back()
                            .is_some_and(|c| c.is_alphanumeric() || c == '_')
                    });
                    if alone {
                        offenders.push(format!("{}:{}: {word}", path.display(), number + 1));
                    }
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "file system outside the door:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn a_file_named_output_is_someones_work_and_stays() {
    let scene = Scene::new();
    fs::write(scene.project.join("output"), "wichtig").unwrap();
    let output = amip(&scene.project, &["build", "--html"]);
    fails_naming(&output, &["output ist eine Datei"]);
    assert_eq!(fs::read(scene.project.join("output")).unwrap(), b"wichtig");
}

#[test]
fn a_hard_linked_lock_file_is_never_written() {
    let scene = Scene::new();
    fs::create_dir_all(scene.project.join(".amip-tmp")).unwrap();
    let secret = scene.outer.path().join("secret/secret.csv");
    fs::hard_link(&secret, scene.project.join(".amip-tmp/lock")).unwrap();
    let output = amip(&scene.project, &["build", "--html"]);
    fails_naming(&output, &[".amip-tmp/lock", "harter Link"]);
    assert_eq!(fs::read_to_string(&secret).unwrap(), SECRET);
    // A link at the lock's place is amip's own name: replaced, its target untouched.
    fs::remove_file(scene.project.join(".amip-tmp/lock")).unwrap();
    symlink(&secret, scene.project.join(".amip-tmp/lock")).unwrap();
    let output = amip(&scene.project, &["build", "--html"]);
    assert!(output.status.success(), "{}", describe(&output));
    assert_eq!(fs::read_to_string(&secret).unwrap(), SECRET);
}

#[test]
fn new_year_in_place_keeps_private_files_private() {
    use std::os::unix::fs::PermissionsExt;
    let scene = Scene::new();
    let programme = scene.project.join("data/programm.yaml");
    fs::set_permissions(&programme, fs::Permissions::from_mode(0o600)).unwrap();
    let output = amip(&scene.project, &["new-year", "--hier"]);
    assert!(output.status.success(), "{}", describe(&output));
    let mode = fs::metadata(&programme).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn an_absolute_source_path_glued_to_data_is_refused() {
    let scene = Scene::new();
    let secret = scene.outer.path().join("secret/secret.csv");
    scene.add_source("geheim", &secret.to_string_lossy());
    let output = amip(&scene.project, &["check"]);
    fails_naming(&output, &["außerhalb des Projektordners"]);
}
