use super::super::{Category, Draft, Finding, Severity, ToneRule};

/// "!!" and more, or more than two exclamation marks in a short reply.
pub struct ExcessiveExclamation;

impl ToneRule for ExcessiveExclamation {
    fn id(&self) -> &'static str {
        "excessive_exclamation"
    }
    fn category(&self) -> Category {
        Category::Politeness
    }
    fn default_severity(&self) -> Severity {
        Severity::Hint
    }
    fn describe(&self) -> &'static str {
        "Runs of exclamation marks (\"!!!\") look unprofessional."
    }
    fn check(&self, d: &Draft) -> Vec<Finding> {
        let mut out = Vec::new();
        let b = d.text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'!' || b[i] == b'?' {
                let mut j = i;
                while j < b.len() && (b[j] == b'!' || b[j] == b'?') {
                    j += 1;
                }
                let run = &d.text[i..j];
                if run.len() >= 2 && run.contains('!') {
                    let keep = if run.contains('?') { "?" } else { "!" };
                    out.push(Finding::new(self, i..j, format!("“{run}” is a lot of punctuation.")).with_fix(format!("Use “{keep}”"), i..j, keep));
                }
                i = j;
            } else {
                i += 1;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::tone::testing::*;
    use crate::core::tone::ToneContext;

    #[test]
    fn fix_collapses_run() {
        assert_fix(&ExcessiveExclamation, "Fixed!!! 🎉", &ToneContext::default(), "Fixed! 🎉");
        assert_fix(&ExcessiveExclamation, "Really?!", &ToneContext::default(), "Really?");
    }

    #[test]
    fn dont_flag_single() {
        assert_none(&ExcessiveExclamation, "Thanks! Enjoy! Bye?", &ToneContext::default());
    }
}
