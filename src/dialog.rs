//! Dialog flows and slots, loaded from `dialogs/*.toml` (format in
//! `dialogs/README.md`) and checked so that every step leads somewhere.

use crate::config::line_of;
use crate::intent::Intent;
use regex::Regex;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use toml::Spanned;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotKind {
    Choice,
    YesNo,
    Text,
    /// A phone number found in the message (values: `no` for a refusal).
    Phone,
    /// When the buyer will pay, resolved in the shop's zone (values: `now`,
    /// `later` for an answer with no time in it; else the local time).
    Time,
}

#[derive(Debug)]
pub struct SlotDef {
    pub name: String,
    pub kind: SlotKind,
    pub from_message: bool,
    pub sticky: bool,
    /// A value named in a clause that says the buyer lacks it ("没有支付宝")
    /// is not this slot's value (the engine keeps it as lacking).
    pub negatable: bool,
    /// Words naming a part of a value (Huabei is Alipay's credit line):
    /// lacking the part is not lacking the value.
    pub lacks_not: Option<Regex>,
    /// An answer naming none of the values counts as `other`.
    pub open: bool,
    /// Allowed values (`yes`/`no` for yes/no slots, empty for text slots).
    pub values: Vec<String>,
    /// One regex per value, in the order they are tried.
    matchers: Vec<(String, Regex)>,
}

impl SlotDef {
    /// The value this slot's own patterns find in a normalised message.
    pub fn find_in(&self, normalized: &str) -> Option<&str> {
        self.matchers
            .iter()
            .find(|(_, re)| re.is_match(normalized))
            .map(|(value, _)| value.as_str())
    }

    /// Every value whose pattern matches, in the order they are tried.
    pub fn find_all_in(&self, normalized: &str) -> Vec<&str> {
        self.matchers
            .iter()
            .filter(|(_, re)| re.is_match(normalized))
            .map(|(value, _)| value.as_str())
            .collect()
    }
}

/// Where a step leads.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Step(usize),
    Dialog(Intent),
    Human,
    End,
}

#[derive(Debug)]
pub enum Next {
    /// The dialog ends after this step.
    Finish,
    Always(Target),
    /// By the value of the step's slot; `otherwise` for any other value.
    ByValue {
        routes: BTreeMap<String, Target>,
        otherwise: Option<Target>,
    },
}

impl Next {
    pub fn route(&self, value: Option<&str>) -> Target {
        match self {
            Next::Finish => Target::End,
            Next::Always(t) => t.clone(),
            Next::ByValue { routes, otherwise } => value
                .and_then(|v| routes.get(v))
                .or(otherwise.as_ref())
                .cloned()
                .unwrap_or(Target::End),
        }
    }

    fn targets(&self) -> Vec<&Target> {
        match self {
            Next::Finish => vec![],
            Next::Always(t) => vec![t],
            Next::ByValue { routes, otherwise } => {
                routes.values().chain(otherwise.as_ref()).collect()
            }
        }
    }
}

#[derive(Debug)]
pub struct Step {
    pub id: String,
    pub say: Vec<String>,
    pub ask: Option<String>,
    pub slot: Option<String>,
    pub options: Vec<String>,
    pub next: Next,
    /// A sales pitch: made at most once a conversation ("if the buyer still
    /// doesn't want to buy, don't pester him"). Once one was made, the
    /// dialog goes here instead.
    pub pitch: Option<Target>,
}

#[derive(Debug)]
pub struct Dialog {
    pub intent: Intent,
    pub start: usize,
    pub steps: Vec<Step>,
}

impl Dialog {
    pub fn step_index(&self, id: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.id == id)
    }
}

/// All dialogs and slots, checked against each other.
#[derive(Debug)]
pub struct Flows {
    pub slots: BTreeMap<String, SlotDef>,
    dialogs: HashMap<Intent, Dialog>,
}

impl Flows {
    pub fn dialog(&self, intent: Intent) -> Option<&Dialog> {
        self.dialogs.get(&intent)
    }

    pub fn dialogs(&self) -> impl Iterator<Item = &Dialog> {
        self.dialogs.values()
    }

    /// Every locale key the dialogs use, with where it is used.
    pub fn keys_used(&self) -> Vec<(String, String)> {
        let mut keys = Vec::new();
        for d in self.dialogs.values() {
            for s in &d.steps {
                let at = format!("dialogs/{}.toml, step `{}`", d.intent, s.id);
                keys.extend(s.say.iter().chain(&s.ask).map(|k| (k.clone(), at.clone())));
                if let Some(slot) = &s.slot {
                    keys.extend(s.options.iter().map(|v| (option_key(slot, v), at.clone())));
                }
            }
        }
        keys
    }
}

/// The locale key of a quick-reply option's label.
pub fn option_key(slot: &str, value: &str) -> String {
    format!("opt-{slot}-{value}")
}

// ---- file shapes ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SlotFile {
    kind: Spanned<String>,
    #[serde(default)]
    from_message: bool,
    #[serde(default)]
    sticky: bool,
    #[serde(default)]
    negatable: bool,
    lacks_not: Option<Spanned<String>>,
    #[serde(default)]
    open: bool,
    #[serde(default)]
    values: Vec<String>,
    #[serde(default, rename = "match")]
    matchers: BTreeMap<String, Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DialogFile {
    intent: Spanned<String>,
    start: Spanned<String>,
    steps: Vec<StepFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepFile {
    id: Spanned<String>,
    #[serde(default)]
    say: Vec<String>,
    ask: Option<String>,
    slot: Option<Spanned<String>>,
    #[serde(default)]
    options: Vec<String>,
    next: Option<Spanned<NextFile>>,
    #[serde(default)]
    pitch: bool,
    instead: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NextFile {
    One(String),
    ByValue(BTreeMap<String, String>),
}

/// Collects `path:line: message` problems.
struct Problems<'a> {
    path: &'a str,
    source: &'a str,
    list: &'a mut Vec<String>,
}

impl Problems<'_> {
    fn at(&mut self, offset: usize, message: impl std::fmt::Display) {
        self.list.push(format!(
            "{}:{}: {message}",
            self.path,
            line_of(self.source, offset)
        ));
    }
}

fn parse_toml<T: serde::de::DeserializeOwned>(
    path: &str,
    source: &str,
    problems: &mut Vec<String>,
) -> Option<T> {
    toml::from_str(source)
        .map_err(|e| {
            let line = e.span().map(|s| line_of(source, s.start)).unwrap_or(1);
            problems.push(format!("{path}:{line}: {}", e.message()));
        })
        .ok()
}

pub fn load_slots(
    path: &str,
    source: &str,
    problems: &mut Vec<String>,
) -> BTreeMap<String, SlotDef> {
    let Some(file) = parse_toml::<BTreeMap<String, SlotFile>>(path, source, problems) else {
        return BTreeMap::new();
    };
    let mut p = Problems {
        path,
        source,
        list: problems,
    };
    let mut slots = BTreeMap::new();
    for (name, f) in file {
        let kind = match f.kind.get_ref().as_str() {
            "choice" => SlotKind::Choice,
            "yes_no" => SlotKind::YesNo,
            "text" => SlotKind::Text,
            "phone" => SlotKind::Phone,
            "time" => SlotKind::Time,
            other => {
                p.at(
                    f.kind.span().start,
                    format!(
                        "slot `{name}`: unknown kind `{other}` (choice, yes_no, text, phone or time)"
                    ),
                );
                continue;
            }
        };
        let values = match kind {
            SlotKind::YesNo => vec!["yes".to_string(), "no".to_string()],
            SlotKind::Phone => vec!["no".to_string()],
            SlotKind::Time => vec!["now".to_string(), "later".to_string(), "at".to_string()],
            _ => f.values,
        };
        if kind == SlotKind::Choice && values.is_empty() {
            p.at(
                f.kind.span().start,
                format!("slot `{name}`: a choice slot needs `values`"),
            );
        }
        let mut matchers = Vec::new();
        // Values in their declared order; for yes/no, "no" first ("not deducted").
        let order: Vec<&String> = if kind == SlotKind::YesNo {
            values.iter().rev().collect()
        } else {
            values.iter().collect()
        };
        for value in order {
            if let Some(pattern) = f.matchers.get(value) {
                match Regex::new(&crate::nlu::lexicon::pattern_source(pattern.get_ref())) {
                    Ok(re) => matchers.push((value.clone(), re)),
                    Err(e) => p.at(
                        pattern.span().start,
                        format!("slot `{name}`, value `{value}`: bad regex: {e}"),
                    ),
                }
            }
        }
        for (value, pattern) in &f.matchers {
            if !values.contains(value) {
                p.at(
                    pattern.span().start,
                    format!("slot `{name}`: `match.{value}` is not one of its values"),
                );
            }
        }
        let lacks_not = f.lacks_not.and_then(|pattern| {
            Regex::new(&crate::nlu::lexicon::pattern_source(pattern.get_ref()))
                .map_err(|e| {
                    p.at(
                        pattern.span().start,
                        format!("slot `{name}`: bad `lacks_not` regex: {e}"),
                    )
                })
                .ok()
        });
        if f.open && !values.iter().any(|v| v == "other") {
            p.at(
                f.kind.span().start,
                format!("slot `{name}`: `open` needs a value `other`"),
            );
        }
        slots.insert(
            name.clone(),
            SlotDef {
                name,
                kind,
                from_message: f.from_message,
                sticky: f.sticky,
                negatable: f.negatable,
                lacks_not,
                open: f.open,
                values,
                matchers,
            },
        );
    }
    slots
}

/// Loads the dialog files; `files` are `(path, source)`.
pub fn load_flows(
    slots: BTreeMap<String, SlotDef>,
    files: &[(&str, &str)],
    problems: &mut Vec<String>,
) -> Flows {
    let mut dialogs = HashMap::new();
    for (path, source) in files {
        if let Some(dialog) = load_dialog(path, source, &slots, problems)
            && dialogs.insert(dialog.intent, dialog).is_some()
        {
            problems.push(format!("{path}:1: a second dialog for the same intent"));
        }
    }
    for intent in Intent::ALL.iter().filter(|i| **i != Intent::HumanAgent) {
        if !dialogs.contains_key(intent) {
            problems.push(format!(
                "dialogs/: no dialog for intent `{intent}` (add dialogs/{intent}.toml)"
            ));
        }
    }
    Flows { slots, dialogs }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

fn load_dialog(
    path: &str,
    source: &str,
    slots: &BTreeMap<String, SlotDef>,
    problems: &mut Vec<String>,
) -> Option<Dialog> {
    let file: DialogFile = parse_toml(path, source, problems)?;
    let mut p = Problems {
        path,
        source,
        list: problems,
    };
    let intent = match file.intent.get_ref().parse::<Intent>() {
        Ok(Intent::HumanAgent) => {
            p.at(
                file.intent.span().start,
                "`human_agent` has no dialog: the engine hands the buyer to a person",
            );
            return None;
        }
        Ok(i) => i,
        Err(e) => {
            p.at(file.intent.span().start, e);
            return None;
        }
    };
    let stem = path
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .trim_end_matches(".toml");
    if stem != intent.label() {
        p.at(
            file.intent.span().start,
            format!("intent `{intent}` does not match the file name (expected {intent}.toml)"),
        );
    }
    let ids: Vec<&str> = file.steps.iter().map(|s| s.id.get_ref().as_str()).collect();
    let resolve = |target: &str, p: &mut Problems, offset: usize| -> Option<Target> {
        let t = match target {
            "@end" => Target::End,
            "@human" => Target::Human,
            t if t.starts_with('@') => match t[1..].parse::<Intent>() {
                Ok(Intent::HumanAgent) => Target::Human,
                Ok(i) => Target::Dialog(i),
                Err(_) => {
                    p.at(
                        offset,
                        format!("target `{t}` is not @end, @human or @<intent>"),
                    );
                    return None;
                }
            },
            t => match ids.iter().position(|id| *id == t) {
                Some(i) => Target::Step(i),
                None => {
                    p.at(offset, format!("target `{t}` is not a step of this dialog"));
                    return None;
                }
            },
        };
        Some(t)
    };
    let mut steps = Vec::new();
    for (n, s) in file.steps.iter().enumerate() {
        let at = s.id.span().start;
        let id = s.id.get_ref();
        if !valid_id(id) {
            p.at(
                at,
                format!("step id `{id}` must be lower-case letters, digits, `_` or `-`"),
            );
        }
        if ids[..n].contains(&id.as_str()) {
            p.at(at, format!("step id `{id}` is used twice"));
        }
        let slot = s.slot.as_ref().map(|slot| {
            let def = slots.get(slot.get_ref());
            if def.is_none() {
                p.at(
                    slot.span().start,
                    format!(
                        "step `{id}`: unknown slot `{}` (see dialogs/slots.toml)",
                        slot.get_ref()
                    ),
                );
            }
            (slot.get_ref().clone(), def)
        });
        match (&s.ask, &slot) {
            (Some(_), None) => p.at(
                at,
                format!("step `{id}` asks a question but names no `slot` for the answer"),
            ),
            (None, Some(_)) => p.at(
                at,
                format!("step `{id}` names a slot but asks no question (`ask`)"),
            ),
            _ => {}
        }
        if let Some((name, Some(def))) = &slot {
            match def.kind {
                SlotKind::Text | SlotKind::Phone | SlotKind::Time if !s.options.is_empty() => p.at(
                    at,
                    format!("step `{id}`: slot `{name}` takes any answer; remove `options`"),
                ),
                SlotKind::Choice | SlotKind::YesNo if s.options.is_empty() => p.at(
                    at,
                    format!(
                        "step `{id}`: slot `{name}` needs `options` (some of {:?})",
                        def.values
                    ),
                ),
                _ => {}
            }
            for o in s.options.iter().filter(|o| !def.values.contains(o)) {
                p.at(
                    at,
                    format!(
                        "step `{id}`: option `{o}` is not a value of slot `{name}` ({:?})",
                        def.values
                    ),
                );
            }
        }
        let next = match &s.next {
            None if s.ask.is_some() => {
                p.at(at, format!("step `{id}` asks a question but has no `next`"));
                Next::Finish
            }
            None => Next::Finish,
            Some(spanned) => {
                let offset = spanned.span().start;
                match spanned.get_ref() {
                    NextFile::One(t) => resolve(t, &mut p, offset)
                        .map(Next::Always)
                        .unwrap_or(Next::Finish),
                    NextFile::ByValue(map) => {
                        let values = slot.as_ref().and_then(|(_, d)| d.map(|d| &d.values));
                        if slot.is_none() {
                            p.at(
                                offset,
                                format!("step `{id}`: `next` by value needs a `slot`"),
                            );
                        }
                        let mut routes = BTreeMap::new();
                        let mut otherwise = None;
                        for (value, t) in map {
                            let Some(target) = resolve(t, &mut p, offset) else {
                                continue;
                            };
                            if value == "*" {
                                otherwise = Some(target);
                            } else {
                                if values.is_some_and(|v| !v.is_empty() && !v.contains(value)) {
                                    p.at(
                                        offset,
                                        format!(
                                            "step `{id}`: `next.{value}` is not a value of the slot"
                                        ),
                                    );
                                }
                                routes.insert(value.clone(), target);
                            }
                        }
                        Next::ByValue { routes, otherwise }
                    }
                }
            }
        };
        let pitch = match (&s.pitch, &s.instead) {
            (true, Some(instead)) => resolve(instead.get_ref(), &mut p, instead.span().start),
            (true, None) => {
                p.at(
                    at,
                    format!("step `{id}` is a pitch: say where to go `instead` once one was made"),
                );
                None
            }
            (false, Some(instead)) => {
                p.at(
                    instead.span().start,
                    format!("step `{id}`: `instead` needs `pitch = true`"),
                );
                None
            }
            (false, None) => None,
        };
        steps.push(Step {
            id: id.clone(),
            say: s.say.clone(),
            ask: s.ask.clone(),
            slot: slot.map(|(name, _)| name),
            options: s.options.clone(),
            next,
            pitch,
        });
    }
    let Some(start) = ids.iter().position(|id| *id == file.start.get_ref()) else {
        p.at(
            file.start.span().start,
            format!("start step `{}` does not exist", file.start.get_ref()),
        );
        return None;
    };
    let dialog = Dialog {
        intent,
        start,
        steps,
    };
    check_graph(&dialog, &file, &mut p);
    Some(dialog)
}

/// Every step reachable from the start, and no loop that never waits for the buyer.
fn check_graph(dialog: &Dialog, file: &DialogFile, p: &mut Problems) {
    let mut reached = vec![false; dialog.steps.len()];
    let mut stack = vec![dialog.start];
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut reached[i], true) {
            continue;
        }
        let step = &dialog.steps[i];
        for t in step.next.targets().into_iter().chain(&step.pitch) {
            if let Target::Step(j) = t {
                stack.push(*j);
            }
        }
    }
    for (i, r) in reached.iter().enumerate() {
        if !r {
            p.at(
                file.steps[i].id.span().start,
                format!(
                    "step `{}` cannot be reached from `start`",
                    dialog.steps[i].id
                ),
            );
        }
    }
    // Steps that do not ask move on by themselves: following only those must end.
    for from in 0..dialog.steps.len() {
        let mut at = from;
        for _ in 0..=dialog.steps.len() {
            let step = &dialog.steps[at];
            match (&step.ask, &step.next) {
                (None, Next::Always(Target::Step(j))) => at = *j,
                _ => break,
            }
            if at == from {
                p.at(
                    file.steps[from].id.span().start,
                    format!(
                        "step `{}` loops back to itself without asking anything",
                        dialog.steps[from].id
                    ),
                );
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLOTS: &str = "[confirm]\nkind = \"yes_no\"\n[pm]\nkind = \"choice\"\nvalues = [\"a\", \"b\"]\n[pm.match]\na = 'alpha'\n";

    fn load(dialog: &str) -> Vec<String> {
        let mut problems = Vec::new();
        let slots = load_slots("slots.toml", SLOTS, &mut problems);
        load_flows(slots, &[("dialogs/greeting.toml", dialog)], &mut problems);
        problems.retain(|p| !p.starts_with("dialogs/: no dialog"));
        problems
    }

    #[test]
    fn a_good_dialog_loads() {
        let problems = load(
            "intent = \"greeting\"\nstart = \"a\"\n[[steps]]\nid = \"a\"\nask = \"q\"\nslot = \"confirm\"\noptions = [\"yes\", \"no\"]\nnext = { yes = \"b\", \"*\" = \"@end\" }\n[[steps]]\nid = \"b\"\nsay = [\"done\"]\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn problems_name_file_and_line() {
        let problems = load(
            "intent = \"greeting\"\nstart = \"a\"\n[[steps]]\nid = \"a\"\nask = \"q\"\nslot = \"pm\"\noptions = [\"a\", \"z\"]\nnext = \"nowhere\"\n[[steps]]\nid = \"lost\"\n",
        );
        let all = problems.join("\n");
        assert!(
            all.contains("dialogs/greeting.toml:4: step `a`: option `z` is not a value"),
            "{all}"
        );
        assert!(
            all.contains("dialogs/greeting.toml:8: target `nowhere` is not a step"),
            "{all}"
        );
        assert!(
            all.contains("dialogs/greeting.toml:10: step `lost` cannot be reached"),
            "{all}"
        );
        let problems = load("intent = \"refund\"\nstart = \"a\"\nsteps = []\n");
        assert!(
            problems[0].starts_with("dialogs/greeting.toml:1: unknown intent `refund`"),
            "{problems:?}"
        );
    }

    #[test]
    fn slot_patterns_find_values() {
        let mut problems = Vec::new();
        let slots = load_slots("slots.toml", SLOTS, &mut problems);
        assert!(problems.is_empty());
        assert_eq!(slots["pm"].find_in("paid with alpha"), Some("a"));
        assert_eq!(slots["pm"].find_in("nothing"), None);
    }
}
