//! The package findings of one verification: collected in the scheme's stage, with the
//! "pass unless something failed" rule every package item uses.

use crate::report::{Finding, Outcome, Stage};

/// Collects findings in one stage and applies the scheme's blocking rules.
pub(super) struct Findings {
    pub(super) stage: Stage,
    pub(super) list: Vec<Finding>,
}

impl Findings {
    pub(super) fn add(
        &mut self,
        seq: &str,
        rule: &str,
        outcome: Outcome,
        subject: impl Into<String>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> &mut Finding {
        let f = Finding::new(
            &format!("{}-{seq}", self.stage.prefix()),
            rule,
            outcome,
            subject,
            zh,
            en,
        );
        self.list.push(f);
        let n = self.list.len() - 1;
        &mut self.list[n]
    }
    pub(super) fn has(&self, seq: &str, outcome: Outcome) -> bool {
        let code = format!("{}-{seq}", self.stage.prefix());
        self.list
            .iter()
            .any(|f| f.code == code && f.outcome == outcome)
    }
    pub(super) fn pass_unless_failed(
        &mut self,
        seq: &str,
        rule: &str,
        subject: &str,
        zh: &str,
        en: &str,
    ) {
        if !self.has(seq, Outcome::Fail) {
            self.add(seq, rule, Outcome::Pass, subject, zh, en);
        }
    }
}
