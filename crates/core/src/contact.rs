//! 对接: from a match to a deal. One side (the enterprise behind a need, or the
//! institution behind an achievement) asks to get in touch; the other accepts or
//! declines; accepted contacts negotiate and end in a signed deal or are closed with a
//! reason.
//!
//! ```text
//! requested ──accept──▶ accepted ──negotiate──▶ negotiating ──sign──▶ signed
//!     │                    │                        │
//!     └──decline──▶ declined └─────────close─────────┴──▶ closed
//! ```

use serde::{Deserialize, Serialize};

use crate::domain::Wan;
use crate::posting::PostingKind;
use crate::{CoreError, CoreResult, t};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactStatus {
    Requested,
    Declined,
    Accepted,
    Negotiating,
    Signed,
    Closed,
}

impl ContactStatus {
    pub const ALL: [ContactStatus; 6] = [
        ContactStatus::Requested,
        ContactStatus::Declined,
        ContactStatus::Accepted,
        ContactStatus::Negotiating,
        ContactStatus::Signed,
        ContactStatus::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ContactStatus::Requested => "requested",
            ContactStatus::Declined => "declined",
            ContactStatus::Accepted => "accepted",
            ContactStatus::Negotiating => "negotiating",
            ContactStatus::Signed => "signed",
            ContactStatus::Closed => "closed",
        }
    }

    pub fn label(self) -> String {
        match self {
            ContactStatus::Requested => t!("contact-status-requested"),
            ContactStatus::Declined => t!("contact-status-declined"),
            ContactStatus::Accepted => t!("contact-status-accepted"),
            ContactStatus::Negotiating => t!("contact-status-negotiating"),
            ContactStatus::Signed => t!("contact-status-signed"),
            ContactStatus::Closed => t!("contact-status-closed"),
        }
    }

    /// # Errors
    /// An unknown stored code is a broken invariant.
    pub fn from_code(code: &str) -> CoreResult<ContactStatus> {
        ContactStatus::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or_else(|| CoreError::Internal(format!("unknown contact status {code}")))
    }

    /// Whether the two sides know each other: messages may be exchanged and a
    /// confidential enterprise's name is shown to the other side.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ContactStatus::Accepted | ContactStatus::Negotiating | ContactStatus::Signed
        )
    }
}

/// Something one side does to a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactAction {
    Accept,
    Decline,
    Negotiate,
    Sign,
    Close,
}

impl ContactAction {
    pub fn code(self) -> &'static str {
        match self {
            ContactAction::Accept => "accept",
            ContactAction::Decline => "decline",
            ContactAction::Negotiate => "negotiate",
            ContactAction::Sign => "sign",
            ContactAction::Close => "close",
        }
    }

    pub fn label(self) -> String {
        match self {
            ContactAction::Accept => t!("contact-action-accept"),
            ContactAction::Decline => t!("contact-action-decline"),
            ContactAction::Negotiate => t!("contact-action-negotiate"),
            ContactAction::Sign => t!("contact-action-sign"),
            ContactAction::Close => t!("contact-action-close"),
        }
    }

    /// # Errors
    /// `Invalid` for an unknown action.
    pub fn parse(code: &str) -> CoreResult<ContactAction> {
        [
            ContactAction::Accept,
            ContactAction::Decline,
            ContactAction::Negotiate,
            ContactAction::Sign,
            ContactAction::Close,
        ]
        .into_iter()
        .find(|a| a.code() == code.trim())
        .ok_or_else(|| CoreError::invalid("action", t!("contact-action-unknown", code = code)))
    }
}

/// Computes the next state, or refuses naming both states. `by_receiver` says whether
/// the actor is the side that was asked (only it may accept or decline).
///
/// # Errors
/// `IllegalTransition` with the reason.
pub fn transition(
    from: ContactStatus,
    action: ContactAction,
    by_receiver: bool,
) -> CoreResult<ContactStatus> {
    use ContactStatus::*;
    let to = match (from, action) {
        (Requested, ContactAction::Accept | ContactAction::Decline) if !by_receiver => {
            return Err(refusal(from, action, t!("contact-refused-not-receiver")));
        }
        (Requested, ContactAction::Accept) => Accepted,
        (Requested, ContactAction::Decline) => Declined,
        (Accepted, ContactAction::Negotiate) => Negotiating,
        (Accepted | Negotiating, ContactAction::Sign) => Signed,
        (Accepted | Negotiating, ContactAction::Close) => Closed,
        (Requested, _) => return Err(refusal(from, action, t!("contact-refused-not-accepted"))),
        (Declined | Signed | Closed, _) => {
            return Err(refusal(from, action, t!("contact-refused-finished")));
        }
        _ => return Err(refusal(from, action, t!("contact-refused-other"))),
    };
    Ok(to)
}

fn refusal(from: ContactStatus, action: ContactAction, why: String) -> CoreError {
    let (s, a) = (from.label(), action.label());
    let reason = t!("contact-refused", status = &s, action = &a, reason = why);
    CoreError::IllegalTransition {
        from: s,
        to: a,
        reason,
    }
}

/// Which side of a contact a posting kind is.
pub fn side_label(kind: PostingKind) -> String {
    match kind {
        PostingKind::Need => t!("contact-side-need"),
        PostingKind::Achievement => t!("contact-side-achievement"),
    }
}

/// The contract types of China's technology contract registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContractType {
    Development,
    Transfer,
    Licence,
    Consulting,
    Service,
}

impl ContractType {
    pub const ALL: [ContractType; 5] = [
        ContractType::Development,
        ContractType::Transfer,
        ContractType::Licence,
        ContractType::Consulting,
        ContractType::Service,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ContractType::Development => "development",
            ContractType::Transfer => "transfer",
            ContractType::Licence => "licence",
            ContractType::Consulting => "consulting",
            ContractType::Service => "service",
        }
    }

    pub fn label(self) -> String {
        match self {
            ContractType::Development => t!("contract-type-development"),
            ContractType::Transfer => t!("contract-type-transfer"),
            ContractType::Licence => t!("contract-type-licence"),
            ContractType::Consulting => t!("contract-type-consulting"),
            ContractType::Service => t!("contract-type-service"),
        }
    }

    /// Parses a code or a label.
    ///
    /// # Errors
    /// `Invalid` naming the accepted types.
    pub fn parse(text: &str) -> CoreResult<ContractType> {
        let text = text.trim();
        ContractType::ALL
            .into_iter()
            .find(|t| t.code() == text || t.label() == text)
            .ok_or_else(|| {
                let labels: Vec<String> = ContractType::ALL.iter().map(|t| t.label()).collect();
                let choices = labels.join(&t!("list-separator"));
                let reason = t!("contract-type-unknown", text = text, choices = choices);
                CoreError::invalid("contract_type", reason)
            })
    }
}

/// The largest contract one deal may record, in yuan: 100 亿元. The largest technology
/// contracts registered in a Chinese province in a year are a few 亿元; a county's deal
/// above this is a typing error or an attempt to inflate the figures. Bounding every
/// deal also bounds the sums: 9 million deals at this limit, with the share multiplied
/// in, still fit in the 64-bit sums the figures use.
pub const MAX_DEAL_AMOUNT_YUAN: i64 = 10_000_000_000;

/// Whether the other side of a contact has confirmed the deal one side recorded. Only
/// confirmed deals count in the figures: one party alone cannot make 技术交易额.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DealConfirmation {
    Awaiting,
    Confirmed,
    Disputed,
}

impl DealConfirmation {
    pub const ALL: [DealConfirmation; 3] = [
        DealConfirmation::Awaiting,
        DealConfirmation::Confirmed,
        DealConfirmation::Disputed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DealConfirmation::Awaiting => "awaiting",
            DealConfirmation::Confirmed => "confirmed",
            DealConfirmation::Disputed => "disputed",
        }
    }

    pub fn label(self) -> String {
        match self {
            DealConfirmation::Awaiting => t!("deal-confirmation-awaiting"),
            DealConfirmation::Confirmed => t!("deal-confirmation-confirmed"),
            DealConfirmation::Disputed => t!("deal-confirmation-disputed"),
        }
    }

    /// # Errors
    /// An unknown stored code is a broken invariant.
    pub fn from_code(code: &str) -> CoreResult<DealConfirmation> {
        DealConfirmation::ALL
            .into_iter()
            .find(|c| c.code() == code)
            .ok_or_else(|| CoreError::Internal(format!("unknown deal confirmation {code}")))
    }
}

/// What the other side answers to a deal recorded by one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DealAnswer {
    Confirm,
    Dispute,
}

impl DealAnswer {
    /// # Errors
    /// `Invalid` for anything but `confirm` or `dispute`.
    pub fn parse(code: &str) -> CoreResult<DealAnswer> {
        match code.trim() {
            "confirm" => Ok(DealAnswer::Confirm),
            "dispute" => Ok(DealAnswer::Dispute),
            other => Err(CoreError::invalid(
                "answer",
                t!("deal-answer-unknown", code = other),
            )),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            DealAnswer::Confirm => "confirm",
            DealAnswer::Dispute => "dispute",
        }
    }
}

/// A signed deal as recorded: the figures that feed the bureau's statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deal {
    pub contract_type: ContractType,
    pub contract_amount: Wan,
    /// 技术交易额: the contract amount minus non-technical costs (equipment, materials).
    pub technology_amount: Wan,
    /// The researchers' share of the revenue, in percent.
    pub researcher_share_percent: u8,
}

impl Deal {
    /// Parses and checks a deal as typed in a form or sent as JSON.
    ///
    /// # Errors
    /// `Invalid` naming the field.
    pub fn parse(
        contract_type: &str,
        contract_amount: &str,
        technology_amount: &str,
        researcher_share_percent: &str,
    ) -> CoreResult<Deal> {
        let contract_type = ContractType::parse(contract_type)?;
        let amount = |field: &'static str, text: &str| {
            Wan::parse(text).map_err(|e| match e {
                CoreError::Invalid { reason, .. } => CoreError::invalid(field, reason),
                other => other,
            })
        };
        let contract_amount = amount("contract_amount", contract_amount)?;
        let technology_amount = amount("technology_amount", technology_amount)?;
        if contract_amount.yuan() > MAX_DEAL_AMOUNT_YUAN {
            return Err(CoreError::invalid(
                "contract_amount",
                t!(
                    "deal-amount-implausible",
                    amount = contract_amount.to_string(),
                    max = (MAX_DEAL_AMOUNT_YUAN / 10_000).to_string()
                ),
            ));
        }
        if contract_amount.yuan() <= 0 {
            return Err(CoreError::invalid(
                "contract_amount",
                t!("deal-amount-not-positive"),
            ));
        }
        if technology_amount.yuan() > contract_amount.yuan() {
            return Err(CoreError::invalid(
                "technology_amount",
                t!("deal-technology-amount-too-large"),
            ));
        }
        let share = researcher_share_percent.trim().trim_end_matches('%');
        let researcher_share_percent =
            share
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= 100)
                .ok_or_else(|| {
                    CoreError::invalid("researcher_share_percent", t!("deal-share-out-of-range"))
                })?;
        Ok(Deal {
            contract_type,
            contract_amount,
            technology_amount,
            researcher_share_percent,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_transition_is_decided() {
        use ContactAction::*;
        use ContactStatus::*;
        let actions = [Accept, Decline, Negotiate, Sign, Close];
        for from in ContactStatus::ALL {
            for action in actions {
                for by_receiver in [true, false] {
                    let got = transition(from, action, by_receiver).ok();
                    let want = match (from, action, by_receiver) {
                        (Requested, Accept, true) => Some(Accepted),
                        (Requested, Decline, true) => Some(Declined),
                        (Accepted, Negotiate, _) => Some(Negotiating),
                        (Accepted | Negotiating, Sign, _) => Some(Signed),
                        (Accepted | Negotiating, Close, _) => Some(Closed),
                        _ => None,
                    };
                    assert_eq!(got, want, "{from:?} {action:?} receiver={by_receiver}");
                }
            }
        }
    }

    #[test]
    fn refusals_name_the_state() {
        let Err(CoreError::IllegalTransition { reason, .. }) =
            transition(ContactStatus::Requested, ContactAction::Accept, false)
        else {
            panic!("the asking side cannot accept its own request");
        };
        assert!(
            reason.contains("待回应") && reason.contains("被邀请"),
            "{reason}"
        );
    }

    #[test]
    fn deals_check_their_figures() {
        let deal = Deal::parse("技术开发", "120", "100", "70%").unwrap();
        assert_eq!(deal.contract_amount.yuan(), 1_200_000);
        assert_eq!(deal.technology_amount.yuan(), 1_000_000);
        assert_eq!(deal.researcher_share_percent, 70);
        assert!(Deal::parse("技术开发", "100", "120", "50").is_err());
        assert!(Deal::parse("买卖", "100", "100", "50").is_err());
        assert!(Deal::parse("技术服务", "100", "100", "101").is_err());
        assert!(Deal::parse("技术服务", "0", "0", "0").is_err());
    }

    #[test]
    fn deals_beyond_the_plausible_are_refused() {
        assert!(Deal::parse("技术开发", "1000000", "1000000", "50").is_ok());
        let Err(CoreError::Invalid { field, reason }) =
            Deal::parse("技术开发", "900000000000000", "1", "50")
        else {
            panic!("a deal of 900,000,000,000,000 万元 must be refused");
        };
        assert_eq!(field, "contract_amount");
        assert!(reason.contains("1000000"), "{reason}");
    }
}
