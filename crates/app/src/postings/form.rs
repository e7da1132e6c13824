//! Posting forms: what a person types, checked by the same rules as an imported list
//! row, so that a form and a spreadsheet can never disagree about what is valid.

use serde::{Deserialize, Serialize};
use techmatch_core::domain::{AskingPrice, IndustryCatalogue};
use techmatch_core::lists::RowProblem;
use techmatch_core::lists::columns::{self, ACHIEVEMENT_COLUMNS, NEED_COLUMNS};
use techmatch_core::lists::layout::Placements;
use techmatch_core::lists::read::{Cell, RawRow};
use techmatch_core::lists::rows::{achievement_from_row, need_from_row};
use techmatch_core::posting::{AchievementInput, NeedInput, PostingKind, PostingView};
use techmatch_core::t;

/// The fields of a need or achievement form (and of the JSON API's posting body). Which
/// fields apply depends on the kind; the others are ignored.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct PostingForm {
    #[serde(default)]
    pub title: String,
    /// The need's description or the achievement's abstract.
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub keywords: String,
    #[serde(default)]
    pub industry: String,
    /// Need: minimum maturity wanted; achievement: its maturity.
    #[serde(default)]
    pub trl: String,
    /// Need: budget range in 万元; achievement: asking price in 万元 or 面议.
    #[serde(default)]
    pub price: String,
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub modes: Vec<String>,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub patents: String,
    #[serde(default)]
    pub team_lead: String,
    #[serde(default)]
    pub confidential: Option<String>,
}

impl PostingForm {
    fn row(&self, kind: PostingKind) -> RawRow {
        let mut cells: Vec<(String, Cell)> = Vec::new();
        let mut text = |field: &str, value: &str| {
            if !value.trim().is_empty() {
                cells.push((field.to_owned(), Cell::Text(value.trim().to_owned())));
            }
        };
        text("title", &self.title);
        text("keywords", &self.keywords);
        text("region", &self.region);
        match kind {
            PostingKind::Need => {
                text("description", &self.body);
                text("industry", &self.industry);
                text("min_trl", &self.trl);
                text("budget", &self.price);
                text("deadline", &self.deadline);
                let confidential = self
                    .confidential
                    .as_deref()
                    .is_some_and(|v| !v.is_empty() && v != "false");
                text("confidential", if confidential { "true" } else { "false" });
            }
            PostingKind::Achievement => {
                text("abstract", &self.body);
                text("field", &self.industry);
                text("trl", &self.trl);
                text("price", &self.price);
                text("patents", &self.patents);
                text("team_lead", &self.team_lead);
            }
        }
        let modes: Vec<String> = self
            .modes
            .iter()
            .map(|m| m.trim().to_owned())
            .filter(|m| !m.is_empty())
            .collect();
        if !modes.is_empty() {
            let field = match kind {
                PostingKind::Need => "coop_modes",
                PostingKind::Achievement => "transfer_modes",
            };
            cells.push((field.to_owned(), Cell::List(modes)));
        }
        // Forms have no list identifier; the service assigns one.
        cells.push(("id".to_owned(), Cell::Text("form".to_owned())));
        RawRow {
            sheet: None,
            row: 1,
            cells,
        }
    }

    /// # Errors
    /// Every problem found, by field.
    pub fn need(&self, industries: &IndustryCatalogue) -> Result<NeedInput, Vec<RowProblem>> {
        let row = self.row(PostingKind::Need);
        need_from_row(&row, &Placements::of_row(NEED_COLUMNS, &row), industries)
    }

    /// # Errors
    /// Every problem found, by field.
    pub fn achievement(
        &self,
        industries: &IndustryCatalogue,
    ) -> Result<AchievementInput, Vec<RowProblem>> {
        let row = self.row(PostingKind::Achievement);
        achievement_from_row(
            &row,
            &Placements::of_row(ACHIEVEMENT_COLUMNS, &row),
            industries,
        )
    }

    /// The form pre-filled with a stored posting, for editing.
    pub fn from_view(view: &PostingView) -> PostingForm {
        let wan = |yuan: Option<i64>| yuan.map(techmatch_core::domain::Wan::yuan_as_wan);
        let price = match view.kind {
            PostingKind::Need => match (wan(view.price_min_yuan), wan(view.price_max_yuan)) {
                (Some(low), Some(high)) if low == high => low,
                (Some(low), Some(high)) => format!("{low}-{high}"),
                (None, Some(high)) => high,
                (Some(low), None) => low,
                (None, None) => String::new(),
            },
            PostingKind::Achievement if view.price_negotiable => {
                AskingPrice::Negotiable.to_string()
            }
            PostingKind::Achievement => wan(view.price_min_yuan).unwrap_or_default(),
        };
        PostingForm {
            title: view.title.clone(),
            body: view.body.clone(),
            keywords: view.keywords.join(&t!("separator-comma")),
            industry: view.industry.clone().unwrap_or_default(),
            trl: view.trl.map(|t| t.to_string()).unwrap_or_default(),
            price,
            deadline: view.deadline.map(|d| d.to_string()).unwrap_or_default(),
            modes: view.modes.iter().map(|m| (*m).to_owned()).collect(),
            region: view
                .region_code
                .clone()
                .or_else(|| view.region_name.clone())
                .unwrap_or_default(),
            patents: view.patents.join(&t!("separator-comma")),
            team_lead: view.team_lead.clone().unwrap_or_default(),
            confidential: view.confidential.then(|| "on".to_owned()),
        }
    }

    pub fn has_mode(&self, label: &str) -> bool {
        self.modes.iter().any(|m| m == label)
    }
}

/// Problems as one line per field, named as the Chinese column a person knows.
pub fn describe(kind: PostingKind, problems: &[RowProblem]) -> Vec<String> {
    let columns = match kind {
        PostingKind::Need => NEED_COLUMNS,
        PostingKind::Achievement => ACHIEVEMENT_COLUMNS,
    };
    problems
        .iter()
        .map(|p| match &p.column {
            Some(column) => {
                let label = columns::resolve(columns, column).map_or_else(
                    || column.clone(),
                    |c| columns::display_name(columns, c.field, false),
                );
                let reason = p.reason.as_str();
                t!("posting-form-problem", field = label, reason = reason)
            }
            None => p.reason.clone(),
        })
        .collect()
}
