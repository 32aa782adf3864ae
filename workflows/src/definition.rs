//! The workflow as data: its stages, where a proposal enters, the moves allowed between stages and
//! the guard on each move, kept in a registry by (name, version) so that a proposal keeps the rules
//! it started under.

use engine::Failure;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// The name of the concordat's workflow.
pub const SHARED_SERVICE_PROPOSAL: &str = "shared-service-proposal";

/// A stage of a proposal, written in kebab case; later workflow versions may add stages (`Other`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    QuickWin,
    BusinessCase,
    Consultation,
    CouncilApproval,
    Monitoring,
    OnHold,
    NotPursued,
    Withdrawn,
    Rejected,
    Closed,
    /// A stage of a later workflow version that version 1 does not know.
    Other(String),
}

impl Stage {
    /// The stages of the contract, in lifecycle order then the outcomes.
    pub const CONTRACT: [Stage; 10] = [
        Stage::QuickWin,
        Stage::BusinessCase,
        Stage::Consultation,
        Stage::CouncilApproval,
        Stage::Monitoring,
        Stage::OnHold,
        Stage::NotPursued,
        Stage::Withdrawn,
        Stage::Rejected,
        Stage::Closed,
    ];

    /// The stage as written on the command line and in JSON.
    pub fn as_str(&self) -> &str {
        match self {
            Stage::QuickWin => "quick-win",
            Stage::BusinessCase => "business-case",
            Stage::Consultation => "consultation",
            Stage::CouncilApproval => "council-approval",
            Stage::Monitoring => "monitoring",
            Stage::OnHold => "on-hold",
            Stage::NotPursued => "not-pursued",
            Stage::Withdrawn => "withdrawn",
            Stage::Rejected => "rejected",
            Stage::Closed => "closed",
            Stage::Other(name) => name,
        }
    }

    /// The stage with this name (a name the contract does not list becomes `Other`).
    pub fn named(name: &str) -> Stage {
        Stage::CONTRACT
            .iter()
            .find(|s| s.as_str() == name)
            .cloned()
            .unwrap_or_else(|| Stage::Other(name.to_string()))
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stage as a user names one: only a stage some registered workflow definition has (the
/// standard registry), so an unknown name is refused before anything is read, yet a stage a later
/// version adds parses once that version is registered.
impl std::str::FromStr for Stage {
    type Err = Failure;
    fn from_str(name: &str) -> Result<Stage, Failure> {
        let registry = Registry::standard();
        let known = registry.stages();
        let stage = Stage::named(name.trim());
        if known.contains(&stage) {
            return Ok(stage);
        }
        let names: Vec<&str> = known.iter().map(Stage::as_str).collect();
        Err(Failure::usage(format!("{name:?} is not a stage"))
            .with_detail(format!("the stages are: {}", names.join(", "))))
    }
}

impl Serialize for Stage {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Stage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Stage, D::Error> {
        Ok(Stage::named(&String::deserialize(d)?))
    }
}

/// The programme phase a proposal belongs to; it decides the stage it starts at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    QuickWin,
    MediumTerm,
    LongTerm,
}

impl Category {
    /// The category as written on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::QuickWin => "quick-win",
            Category::MediumTerm => "medium-term",
            Category::LongTerm => "long-term",
        }
    }
}

/// A named condition a move needs; evaluated against the proposal as recorded so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Guard {
    /// A business case is recorded.
    BusinessCaseRecorded,
    /// A consultation with staff and at least one union was opened, then closed.
    ConsultationComplete,
    /// The latest Board meeting recommended it (consensus or qualified majority).
    BoardRecommends,
    /// Every council of the proposal has approved it.
    AllCouncilsApprove,
    /// Each approval's call-in window (under its council's constitution) has closed without a
    /// call-in, or scrutiny confirmed it; vacuous for councils without a window.
    CallInWindowsClosed,
}

impl Guard {
    /// The guard's name as the definition lists it.
    pub fn name(self) -> &'static str {
        match self {
            Guard::BusinessCaseRecorded => "business-case-recorded",
            Guard::ConsultationComplete => "consultation-complete",
            Guard::BoardRecommends => "board-recommends",
            Guard::AllCouncilsApprove => "all-councils-approve",
            Guard::CallInWindowsClosed => "call-in-windows-closed",
        }
    }
}

/// What kind of step a move is; recorded as `action` in `stage-changed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MoveKind {
    /// One stage forward (`proposal advance`).
    Advance,
    /// Back to an earlier stage, starting a new round (`proposal advance`).
    Back,
    Hold,
    Resume,
    Withdraw,
    NotPursue,
    Close,
    /// A council's `reject` decision.
    Reject,
}

impl MoveKind {
    /// The kind as recorded in events.
    pub fn as_str(self) -> &'static str {
        match self {
            MoveKind::Advance => "advance",
            MoveKind::Back => "back",
            MoveKind::Hold => "hold",
            MoveKind::Resume => "resume",
            MoveKind::Withdraw => "withdraw",
            MoveKind::NotPursue => "not-pursue",
            MoveKind::Close => "close",
            MoveKind::Reject => "reject",
        }
    }
}

/// One allowed move: from a stage to another (`to: None`: back to the stage the hold left).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub kind: MoveKind,
    pub from: Stage,
    pub to: Option<Stage>,
    pub guards: Vec<Guard>,
    /// Consultation, Board outcome and council decisions start again from nothing.
    pub new_round: bool,
}

/// A workflow: its name and version, stages, entry stages by category and allowed moves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowDefinition {
    pub name: String,
    pub version: u32,
    /// The working stages, in order.
    pub stages: Vec<Stage>,
    /// The stage a held proposal waits in.
    pub hold_stage: Stage,
    /// Stages that end a proposal (reminders are cancelled).
    pub outcomes: Vec<Stage>,
    pub entry: Vec<(Category, Stage)>,
    pub moves: Vec<Move>,
}

fn mv(kind: MoveKind, from: Stage, to: Option<Stage>, guards: &[Guard]) -> Move {
    Move {
        kind,
        new_round: kind == MoveKind::Back,
        from,
        to,
        guards: guards.to_vec(),
    }
}

impl WorkflowDefinition {
    /// `shared-service-proposal` version 1, as the contract's workflow rules state it.
    pub fn shared_service_proposal_v1() -> WorkflowDefinition {
        use Stage::*;
        let stages = vec![
            QuickWin,
            BusinessCase,
            Consultation,
            CouncilApproval,
            Monitoring,
        ];
        let mut moves = vec![
            mv(MoveKind::Advance, QuickWin, Some(BusinessCase), &[]),
            mv(
                MoveKind::Advance,
                BusinessCase,
                Some(Consultation),
                &[Guard::BusinessCaseRecorded],
            ),
            mv(
                MoveKind::Advance,
                Consultation,
                Some(CouncilApproval),
                &[Guard::ConsultationComplete],
            ),
            mv(
                MoveKind::Advance,
                CouncilApproval,
                Some(Monitoring),
                &[
                    Guard::BoardRecommends,
                    Guard::AllCouncilsApprove,
                    Guard::CallInWindowsClosed,
                ],
            ),
            mv(MoveKind::Back, Consultation, Some(BusinessCase), &[]),
            mv(MoveKind::Back, CouncilApproval, Some(BusinessCase), &[]),
            mv(MoveKind::Back, Rejected, Some(BusinessCase), &[]),
            mv(MoveKind::Resume, OnHold, None, &[]),
            mv(MoveKind::Close, Monitoring, Some(Closed), &[]),
            mv(MoveKind::Reject, CouncilApproval, Some(Rejected), &[]),
        ];
        for stage in &stages {
            moves.push(mv(MoveKind::Hold, stage.clone(), Some(OnHold), &[]));
        }
        for stage in stages.iter().chain([&OnHold]) {
            moves.push(mv(MoveKind::Withdraw, stage.clone(), Some(Withdrawn), &[]));
            moves.push(mv(
                MoveKind::NotPursue,
                stage.clone(),
                Some(NotPursued),
                &[],
            ));
        }
        WorkflowDefinition {
            name: SHARED_SERVICE_PROPOSAL.to_string(),
            version: 1,
            stages,
            hold_stage: OnHold,
            outcomes: vec![NotPursued, Withdrawn, Rejected, Closed],
            entry: vec![
                (Category::QuickWin, QuickWin),
                (Category::MediumTerm, BusinessCase),
                (Category::LongTerm, BusinessCase),
            ],
            moves,
        }
    }

    /// The stage a proposal of `category` starts at.
    pub fn entry_stage(&self, category: Category) -> Option<&Stage> {
        self.entry
            .iter()
            .find(|(c, _)| *c == category)
            .map(|(_, s)| s)
    }

    /// The move of `kind` from `from` (to `to`, when given).
    pub fn find(&self, kind: MoveKind, from: &Stage, to: Option<&Stage>) -> Option<&Move> {
        self.moves
            .iter()
            .find(|m| m.kind == kind && &m.from == from && (to.is_none() || m.to.as_ref() == to))
    }

    /// The `advance` targets (forward and back) from `from`.
    pub fn advance_targets(&self, from: &Stage) -> Vec<&Move> {
        self.moves
            .iter()
            .filter(|m| &m.from == from && matches!(m.kind, MoveKind::Advance | MoveKind::Back))
            .collect()
    }

    /// Whether `stage` ends a proposal.
    pub fn is_outcome(&self, stage: &Stage) -> bool {
        self.outcomes.contains(stage)
    }

    /// Whether `stage` belongs to this workflow.
    pub fn has_stage(&self, stage: &Stage) -> bool {
        self.stages.contains(stage) || &self.hold_stage == stage || self.outcomes.contains(stage)
    }
}

/// Workflow definitions by (name, version).
#[derive(Debug, Clone, Default)]
pub struct Registry {
    definitions: BTreeMap<(String, u32), WorkflowDefinition>,
}

impl Registry {
    /// The registry every command uses: `shared-service-proposal` v1.
    pub fn standard() -> Registry {
        let mut registry = Registry::default();
        registry
            .register(WorkflowDefinition::shared_service_proposal_v1())
            .expect("an empty registry takes v1");
        registry
    }

    /// Adds a definition; a (name, version) already registered is a conflict.
    pub fn register(&mut self, definition: WorkflowDefinition) -> Result<(), Failure> {
        let key = (definition.name.clone(), definition.version);
        if self.definitions.contains_key(&key) {
            return Err(Failure::conflict(format!(
                "workflow {} version {} is already registered",
                key.0, key.1
            ))
            .with_detail("a definition never changes once registered: give it a new version"));
        }
        self.definitions.insert(key, definition);
        Ok(())
    }

    /// The definition a proposal started under.
    pub fn get(&self, name: &str, version: u32) -> Result<&WorkflowDefinition, Failure> {
        self.definitions
            .get(&(name.to_string(), version))
            .ok_or_else(|| {
                Failure::internal(format!(
                    "workflow {name} version {version} is not known to this concordat"
                ))
                .with_detail("upgrade concordat to one that knows that workflow version")
            })
    }

    /// Every stage of every registered definition: lifecycle order, then hold, then the outcomes.
    pub fn stages(&self) -> Vec<Stage> {
        let mut all: Vec<Stage> = Vec::new();
        for d in self.definitions.values() {
            let stages = d.stages.iter().chain([&d.hold_stage]).chain(&d.outcomes);
            for stage in stages {
                if !all.contains(stage) {
                    all.push(stage.clone());
                }
            }
        }
        all
    }

    /// The newest version of `name`, which new proposals start under.
    pub fn latest(&self, name: &str) -> Option<&WorkflowDefinition> {
        self.definitions
            .iter()
            .filter(|((n, _), _)| n == name)
            .map(|(_, d)| d)
            .next_back()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Version 2 of the workflow, with a scrutiny stage between council approval and monitoring.
    pub fn v2_with_scrutiny() -> WorkflowDefinition {
        let mut v2 = WorkflowDefinition::shared_service_proposal_v1();
        v2.version = 2;
        let scrutiny = Stage::Other("scrutiny".into());
        v2.stages.insert(4, scrutiny.clone());
        let live = v2
            .moves
            .iter_mut()
            .find(|m| m.kind == MoveKind::Advance && m.to == Some(Stage::Monitoring))
            .unwrap();
        live.to = Some(scrutiny.clone());
        v2.moves.push(mv(
            MoveKind::Advance,
            scrutiny.clone(),
            Some(Stage::Monitoring),
            &[],
        ));
        v2.moves
            .push(mv(MoveKind::Hold, scrutiny, Some(Stage::OnHold), &[]));
        v2
    }

    #[test]
    fn v1_enters_by_category_and_moves_one_step() {
        let v1 = WorkflowDefinition::shared_service_proposal_v1();
        assert_eq!(v1.entry_stage(Category::QuickWin), Some(&Stage::QuickWin));
        assert_eq!(
            v1.entry_stage(Category::LongTerm),
            Some(&Stage::BusinessCase)
        );
        assert!(v1
            .find(
                MoveKind::Advance,
                &Stage::QuickWin,
                Some(&Stage::Consultation)
            )
            .is_none());
        let targets: Vec<_> = v1
            .advance_targets(&Stage::CouncilApproval)
            .iter()
            .map(|m| m.to.clone().unwrap())
            .collect();
        assert_eq!(targets, vec![Stage::Monitoring, Stage::BusinessCase]);
        assert!(v1.is_outcome(&Stage::Closed) && !v1.is_outcome(&Stage::OnHold));
    }

    #[test]
    fn a_v2_registers_beside_v1_and_v1_keeps_its_rules() {
        let mut registry = Registry::standard();
        registry.register(v2_with_scrutiny()).unwrap();
        assert_eq!(registry.latest(SHARED_SERVICE_PROPOSAL).unwrap().version, 2);
        let v1 = registry.get(SHARED_SERVICE_PROPOSAL, 1).unwrap();
        let v2 = registry.get(SHARED_SERVICE_PROPOSAL, 2).unwrap();
        let next = |d: &WorkflowDefinition| {
            d.find(MoveKind::Advance, &Stage::CouncilApproval, None)
                .and_then(|m| m.to.clone())
        };
        assert_eq!(next(v1), Some(Stage::Monitoring));
        assert_eq!(next(v2), Some(Stage::Other("scrutiny".into())));
        assert!(!v1.has_stage(&Stage::Other("scrutiny".into())));
        assert!(registry.register(v2_with_scrutiny()).is_err());
    }

    #[test]
    fn stages_round_trip_through_their_names() {
        for stage in Stage::CONTRACT {
            assert_eq!(Stage::named(stage.as_str()), stage);
        }
        let json = serde_json::to_string(&Stage::CouncilApproval).unwrap();
        assert_eq!(json, "\"council-approval\"");
    }
}
