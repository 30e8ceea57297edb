//! Which steps can have completed, and which surely have, at the start of each step and when the
//! workflow ends. With `goto` and `end` a step's outputs may not exist where they are read: a read
//! that can never succeed is a compile error, a read that may fail is checked at run time, and a
//! workflow output that may be missing becomes an `Option`.

use crate::model::{ActionKind, ActionTarget, Workflow};

use super::actions::effective;

/// The result of the analysis. Sets are indexed by step position.
#[derive(Debug)]
pub(super) struct Flow {
    may: Vec<Vec<bool>>,
    must: Vec<Vec<bool>>,
    end_may: Vec<bool>,
    end_must: Vec<bool>,
}

/// A transfer of control: from the end of step `from` to step `to` (`None`: the workflow ends
/// successfully). `succeeded` says whether `from` completed (its outputs are set).
struct Edge {
    from: usize,
    to: Option<usize>,
    succeeded: bool,
}

impl Flow {
    /// Runs the analysis on a workflow's steps and actions; unknown targets are ignored here (they
    /// are reported where actions are planned).
    pub(super) fn analyse(workflow: &Workflow) -> Self {
        let steps = &workflow.steps;
        let n = steps.len();
        let index_of = |id: &str| steps.iter().position(|s| s.id.value == id);
        let mut edges = Vec::new();
        for (i, step) in steps.iter().enumerate() {
            let next = (i + 1 < n).then_some(i + 1);
            let on_success = effective(&step.on_success, &workflow.success_actions);
            let mut unconditional = false;
            for action in &on_success {
                let to = match (&action.kind, &action.target) {
                    (ActionKind::Goto, Some(ActionTarget::Step(t))) => index_of(&t.value),
                    _ => None,
                };
                edges.push(Edge {
                    from: i,
                    to,
                    succeeded: true,
                });
                unconditional |= action.criteria.is_empty();
            }
            if !unconditional {
                edges.push(Edge {
                    from: i,
                    to: next,
                    succeeded: true,
                });
            }
            for action in effective(&step.on_failure, &workflow.failure_actions) {
                match (&action.kind, &action.target) {
                    (ActionKind::Goto, Some(ActionTarget::Step(t))) => {
                        if let Some(t) = index_of(&t.value) {
                            edges.push(Edge {
                                from: i,
                                to: Some(t),
                                succeeded: false,
                            });
                        }
                    }
                    (ActionKind::Goto, _) => edges.push(Edge {
                        from: i,
                        to: None,
                        succeeded: false,
                    }),
                    (ActionKind::Retry, target) => {
                        edges.push(Edge {
                            from: i,
                            to: Some(i),
                            succeeded: false,
                        });
                        if let Some(ActionTarget::Step(t)) = target
                            && let Some(t) = index_of(&t.value)
                        {
                            edges.push(Edge {
                                from: i,
                                to: Some(t),
                                succeeded: false,
                            });
                            edges.push(Edge {
                                from: t,
                                to: Some(i),
                                succeeded: true,
                            });
                        }
                    }
                    (ActionKind::End, _) => {}
                }
            }
        }
        // Only what leaves a step that can run at all counts: the last step of a workflow whose
        // earlier steps always end it does not end it too.
        let mut reachable = vec![false; n];
        if n > 0 {
            reachable[0] = true;
        }
        let mut grew = true;
        while grew {
            grew = false;
            for edge in &edges {
                if let Some(to) = edge.to
                    && reachable[edge.from]
                    && !reachable[to]
                {
                    reachable[to] = true;
                    grew = true;
                }
            }
        }
        edges.retain(|edge| reachable[edge.from]);
        let carried = |set: &[bool], edge: &Edge| -> Vec<bool> {
            let mut out = set.to_vec();
            if edge.succeeded {
                out[edge.from] = true;
            }
            out
        };

        // Must: the entry starts with nothing done; every other step starts from "everything"
        // and shrinks to what all its incoming paths agree on.
        let mut must = vec![vec![true; n]; n];
        if n > 0 {
            must[0] = vec![false; n];
        }
        let mut may = vec![vec![false; n]; n];
        let mut changed = true;
        while changed {
            changed = false;
            for to in 0..n {
                let mut meet: Option<Vec<bool>> = (to == 0).then(|| vec![false; n]);
                let mut join = vec![false; n];
                for edge in edges.iter().filter(|e| e.to == Some(to)) {
                    let m = carried(&must[edge.from], edge);
                    meet = Some(match meet {
                        None => m,
                        Some(acc) => acc.iter().zip(&m).map(|(a, b)| *a && *b).collect(),
                    });
                    for (j, v) in carried(&may[edge.from], edge).into_iter().enumerate() {
                        join[j] |= v;
                    }
                }
                if let Some(meet) = meet
                    && meet != must[to]
                {
                    must[to] = meet;
                    changed = true;
                }
                if join != may[to] {
                    may[to] = join;
                    changed = true;
                }
            }
        }
        let mut end_must: Option<Vec<bool>> = None;
        let mut end_may = vec![false; n];
        for edge in edges.iter().filter(|e| e.to.is_none()) {
            let m = carried(&must[edge.from], edge);
            end_must = Some(match end_must {
                None => m,
                Some(acc) => acc.iter().zip(&m).map(|(a, b)| *a && *b).collect(),
            });
            for (j, v) in carried(&may[edge.from], edge).into_iter().enumerate() {
                end_may[j] |= v;
            }
        }
        Self {
            may,
            must,
            end_may,
            end_must: end_must.unwrap_or_else(|| vec![false; n]),
        }
    }

    /// Whether step `step` may have completed when step `reader` starts.
    pub(super) fn may_before(&self, reader: usize, step: usize) -> bool {
        self.may[reader][step]
    }

    /// Whether step `step` has surely completed when step `reader` starts.
    pub(super) fn must_before(&self, reader: usize, step: usize) -> bool {
        self.must[reader][step]
    }

    /// Whether step `step` may have completed when the workflow ends successfully.
    pub(super) fn may_at_end(&self, step: usize) -> bool {
        self.end_may[step]
    }

    /// Whether step `step` has surely completed when the workflow ends successfully.
    pub(super) fn must_at_end(&self, step: usize) -> bool {
        self.end_must[step]
    }
}
