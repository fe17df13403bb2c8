//! Texts in both languages, from Project Fluent files (`locales/<lang>/*.ftl`).
//!
//! Fluent rather than a key/value map because buyers' texts need grammar the
//! code should not know about: one key picks the right tutorial per payment
//! method with a select expression, and each language words it its own way.
//! Loading checks the bilingual contract: every key in both languages, with
//! the same variables.

use crate::config::line_of;
use crate::error::Error;
use crate::lang::Lang;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use fluent_syntax::ast;
use std::collections::{BTreeMap, BTreeSet};

/// Key -> the variables its text uses (in the value and every variant).
pub type KeyVars = BTreeMap<String, BTreeSet<String>>;

pub struct Locales {
    en: FluentBundle<FluentResource>,
    zh: FluentBundle<FluentResource>,
    vars: KeyVars,
}

/// A locale file: its path (for error messages) and its text.
pub struct LocaleFile<'a> {
    pub path: &'a str,
    pub lang: Lang,
    pub source: &'a str,
}

impl Locales {
    /// Parses and checks the files; all problems are reported together, each
    /// as `path:line: what`.
    pub fn load(files: &[LocaleFile<'_>]) -> Result<Locales, Error> {
        let (locales, problems) = Locales::load_checked(files);
        if problems.is_empty() {
            Ok(locales)
        } else {
            Err(Error::Content(format!(
                "locale files do not hold together:\n  {}",
                problems.join("\n  ")
            )))
        }
    }

    /// The texts that parsed, and every problem found (empty when all is well).
    pub fn load_checked(files: &[LocaleFile<'_>]) -> (Locales, Vec<String>) {
        let mut problems = Vec::new();
        let mut vars: [KeyVars; 2] = Default::default();
        let mut bundles = Lang::ALL.map(|lang| {
            let id = lang.code().parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Plain-text channels would show the Unicode isolation marks.
            bundle.set_use_isolating(false);
            bundle
        });
        for file in files {
            let slot = Lang::ALL.iter().position(|l| *l == file.lang).unwrap_or(0);
            let resource = match FluentResource::try_new(file.source.to_string()) {
                Ok(r) => r,
                Err((r, errors)) => {
                    for e in errors {
                        problems.push(format!(
                            "{}:{}: {}",
                            file.path,
                            line_of(file.source, e.pos.start),
                            e.kind
                        ));
                    }
                    r
                }
            };
            for (key, used, offset) in message_vars(file.source) {
                if vars[slot].insert(key.clone(), used).is_some() {
                    problems.push(format!(
                        "{}:{}: `{key}` is defined twice",
                        file.path,
                        line_of(file.source, offset)
                    ));
                }
            }
            if let Err(errors) = bundles[slot].add_resource(resource) {
                for e in errors {
                    problems.push(format!("{}: {e}", file.path));
                }
            }
        }
        let [en_vars, zh_vars] = &vars;
        problems.extend(parity_problems(en_vars, zh_vars));
        problems.sort();
        problems.dedup();
        let [en, zh] = bundles;
        let [mut all_vars, zh_vars] = vars;
        // Keys in only one language are reported above; list them all here so
        // the cross-checks that follow do not report them a second time.
        for (key, used) in zh_vars {
            all_vars.entry(key).or_insert(used);
        }
        (
            Locales {
                en,
                zh,
                vars: all_vars,
            },
            problems,
        )
    }

    /// Every key, with the variables it uses (the same in both languages).
    pub fn keys(&self) -> &KeyVars {
        &self.vars
    }

    pub fn has(&self, key: &str) -> bool {
        self.vars.contains_key(key)
    }

    /// The text of `key` in `lang`. A key that does not exist (prevented by
    /// start-up validation) comes out as the key itself, never a panic.
    pub fn text(&self, lang: Lang, key: &str, args: &FluentArgs<'_>) -> String {
        let bundle = match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        };
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::error!(key, "missing text");
            return key.to_string();
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(args), &mut errors);
        if !errors.is_empty() {
            tracing::error!(key, ?errors, "text formatted with errors");
        }
        text.into_owned()
    }
}

/// Differences between the two languages' keys and variables.
pub fn parity_problems(en: &KeyVars, zh: &KeyVars) -> Vec<String> {
    let mut problems = Vec::new();
    for (key, en_vars) in en {
        match zh.get(key) {
            None => problems.push(format!("`{key}` is in locales/en but not in locales/zh")),
            Some(zh_vars) if zh_vars != en_vars => problems.push(format!(
                "`{key}` uses variables {en_vars:?} in en but {zh_vars:?} in zh"
            )),
            Some(_) => {}
        }
    }
    for key in zh.keys().filter(|k| !en.contains_key(*k)) {
        problems.push(format!("`{key}` is in locales/zh but not in locales/en"));
    }
    problems
}

/// `(key, variables, byte offset)` for each message of an FTL source.
pub fn message_vars(source: &str) -> Vec<(String, BTreeSet<String>, usize)> {
    let resource = match fluent_syntax::parser::parse(source) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    resource
        .body
        .iter()
        .filter_map(|entry| match entry {
            ast::Entry::Message(m) => Some(m),
            _ => None,
        })
        .map(|m| {
            let mut used = BTreeSet::new();
            if let Some(value) = &m.value {
                pattern_vars(value, &mut used);
            }
            for attr in &m.attributes {
                pattern_vars(&attr.value, &mut used);
            }
            let offset = m.id.name.as_ptr() as usize - source.as_ptr() as usize;
            (m.id.name.to_string(), used, offset)
        })
        .collect()
}

fn pattern_vars(pattern: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_vars(expression, out);
        }
    }
}

fn expression_vars(expression: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Inline(inline) => inline_vars(inline, out),
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, out);
            for variant in variants {
                pattern_vars(&variant.value, out);
            }
        }
    }
}

fn inline_vars(inline: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_string());
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, out),
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for arg in &arguments.positional {
                inline_vars(arg, out);
            }
            for arg in &arguments.named {
                inline_vars(&arg.value, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(en: &str, zh: &str) -> Result<Locales, Error> {
        Locales::load(&[
            LocaleFile {
                path: "en.ftl",
                lang: Lang::En,
                source: en,
            },
            LocaleFile {
                path: "zh.ftl",
                lang: Lang::Zh,
                source: zh,
            },
        ])
    }

    #[test]
    fn formats_selects_and_variables() {
        let l = load(
            "hi = Hi { $name }\nreset = { $m ->\n    [alipay] Alipay way\n   *[other] Generic way\n}\n",
            "hi = 你好 { $name }\nreset = { $m ->\n    [alipay] 支付宝\n   *[other] 通用\n}\n",
        )
        .unwrap();
        let mut args = FluentArgs::new();
        args.set("name", "Ann");
        args.set("m", "alipay");
        assert_eq!(l.text(Lang::En, "hi", &args), "Hi Ann");
        assert_eq!(l.text(Lang::Zh, "reset", &args), "支付宝");
        assert_eq!(l.text(Lang::En, "nope", &args), "nope");
    }

    #[test]
    fn reports_missing_keys_variables_and_syntax_with_lines() {
        let err = load("a = A\nb = B { $x }\n", "b = B\nc = C\n")
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("`a` is in locales/en but not in locales/zh"),
            "{err}"
        );
        assert!(
            err.contains("`c` is in locales/zh but not in locales/en"),
            "{err}"
        );
        assert!(err.contains("`b` uses variables"), "{err}");
        let err = load("a = A\n\nb = { \nc = C\n", "a = A\nc = C\n")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("en.ftl:4: Expected"), "{err}");
    }
}
