//! Embeds the shipped `dialogs/`, `locales/` and `holidays/` in the binary, so paynudge
//! runs from any directory and after `cargo install`.

use std::fmt::Write;
use std::path::Path;

fn files(dir: &Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("readable directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (file, parts) in [
        (
            "assets.rs",
            &[
                ("DIALOGS", "dialogs", "toml"),
                ("LOCALES", "locales", "ftl"),
            ][..],
        ),
        ("holidays.rs", &[("HOLIDAYS", "holidays", "json")][..]),
    ] {
        embed(root, file, parts);
    }
}

/// Writes `OUT_DIR/file`: per part, a `const NAME: &[(path, text)]` of the
/// files under `dir` ending in `ext`.
fn embed(root: &Path, file: &str, parts: &[(&str, &str, &str)]) {
    let mut code = String::new();
    for &(name, dir, ext) in parts {
        println!("cargo:rerun-if-changed={dir}");
        let mut found = Vec::new();
        files(&root.join(dir), ext, &mut found);
        writeln!(code, "pub const {name}: &[(&str, &str)] = &[").unwrap();
        for path in &found {
            println!("cargo:rerun-if-changed={}", path.display());
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            writeln!(
                code,
                "    ({rel:?}, include_str!({:?})),",
                path.display().to_string()
            )
            .unwrap();
        }
        writeln!(code, "];").unwrap();
    }
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join(file);
    std::fs::write(out, code).unwrap();
}
