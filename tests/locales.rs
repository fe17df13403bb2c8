//! The bilingual contract: every key in both languages with the same
//! variables, every text a dialog or the engine uses present, and a shop's
//! broken copy reported by file and line.

use paynudge::locale::{message_vars, parity_problems};
use paynudge::{Content, Intent};
use std::collections::BTreeMap;
use std::path::Path;

fn keys_in(dir: &Path) -> BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut keys = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ftl") {
            let source = std::fs::read_to_string(&path).unwrap();
            for (key, vars, _) in message_vars(&source) {
                assert!(
                    keys.insert(key.clone(), vars).is_none(),
                    "{}: `{key}` twice",
                    path.display()
                );
            }
        }
    }
    keys
}

#[test]
fn every_key_exists_in_both_languages_with_the_same_variables() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    let en = keys_in(&root.join("en"));
    let zh = keys_in(&root.join("zh"));
    assert!(en.len() > 100, "only {} keys", en.len());
    let problems = parity_problems(&en, &zh);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_shipped_side_questions_answer_their_examples() {
    let content = Content::builtin().unwrap();
    let problems = content.questions.check_examples();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_shipped_content_holds_together() {
    let content = Content::builtin().unwrap_or_else(|e| panic!("{e}"));
    for intent in Intent::ALL.iter().filter(|i| **i != Intent::HumanAgent) {
        assert!(
            content.flows.dialog(*intent).is_some(),
            "no dialog for {intent}"
        );
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn a_shops_broken_copy_is_reported_by_file_and_line() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let (dialogs, locales) = (dir.path().join("dialogs"), dir.path().join("locales"));
    copy_dir(&root.join("dialogs"), &dialogs);
    copy_dir(&root.join("locales"), &locales);
    assert!(Content::from_dirs(Some(&dialogs), Some(&locales)).is_ok());

    let greeting = dialogs.join("greeting.toml");
    let text = std::fs::read_to_string(&greeting).unwrap();
    std::fs::write(
        &greeting,
        format!(
            "{text}\n[[steps]]\nid = \"extra\"\nsay = [\"no-such-text\"]\nnext = \"nowhere\"\n"
        ),
    )
    .unwrap();
    std::fs::write(
        locales.join("zh/extra.ftl"),
        "only-zh = 只有中文 { $mystery }\n",
    )
    .unwrap();
    let err = Content::from_dirs(Some(&dialogs), Some(&locales))
        .err()
        .expect("must fail")
        .to_string();
    let lines = text.lines().count();
    for needle in [
        format!(
            "greeting.toml:{}: target `nowhere` is not a step",
            lines + 5
        ),
        "`only-zh` is in locales/zh but not in locales/en".to_string(),
        "text `no-such-text`".to_string(),
        "uses `$mystery`".to_string(),
    ] {
        assert!(err.contains(&needle), "missing {needle:?} in:\n{err}");
    }
}

#[test]
fn a_shops_side_question_that_misses_its_example_is_reported_by_line() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let dialogs = dir.path().join("dialogs");
    copy_dir(&root.join("dialogs"), &dialogs);
    let questions = dialogs.join("questions.toml");
    let text = std::fs::read_to_string(&questions).unwrap();
    let lines = text.lines().count();
    std::fs::write(
        &questions,
        format!(
            "{text}\n[[questions]]\nid = \"invoice\"\nmatch = 'invoice please'\nsay = [\"q-no-fact\"]\nexamples = [\"can I get a fapiao\"]\n"
        ),
    )
    .unwrap();
    let err = Content::from_dirs(Some(&dialogs), None)
        .err()
        .expect("must fail")
        .to_string();
    let needle = format!(
        "questions.toml:{}: question `invoice`: example \"can I get a fapiao\" is answered by",
        lines + 2
    );
    assert!(err.contains(&needle), "missing {needle:?} in:\n{err}");
}
