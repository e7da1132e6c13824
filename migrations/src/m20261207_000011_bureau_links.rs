//! Only the bureau's decisions link a bid's consortium members to registry
//! organisations.
//!
//! Code before the bureau's check linked a member itself when the bid was saved: the
//! member's name or USCC resolved to whatever organisation held it. Those links look
//! exactly like the bureau's, and a draft saved then kept its link at submission, so a
//! bidder could still have conflicted the employers of likely panel experts. A link
//! counts here only when the call's timeline holds the bureau's `bid.link_member` step
//! for that member (its detail opens with the member's place, "第 N 位"); every other
//! link is cleared, and the member waits for the bureau's check like a new one. Members
//! the bureau declined keep that decision: only the bureau ever declined one.
//!
//! It runs in one transaction and finds its work done when it runs again.

use std::collections::{HashMap, HashSet};

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, JsonValue};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Bids {
    Table,
    Id,
    Consortium,
}

#[derive(DeriveIden)]
enum ChallengeEvents {
    Table,
    BidId,
    Action,
    Detail,
}

/// The member's place (from 1) a bureau step's detail names: its first number.
fn place_in(detail: &str) -> Option<usize> {
    let digits: String = detail
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The consortium without the links nobody in the bureau made, or `None` when every link
/// it holds is the bureau's.
fn without_automatic_links(consortium: &str, decided: &HashSet<usize>) -> Option<String> {
    let mut members: JsonValue = consortium.parse().ok()?;
    let mut cleared = false;
    for (index, member) in members.as_array_mut()?.iter_mut().enumerate() {
        let linked = member.get("org_id").is_some_and(|o| !o.is_null());
        if linked
            && !decided.contains(&(index + 1))
            && let Some(fields) = member.as_object_mut()
        {
            fields.insert("org_id".to_owned(), JsonValue::Null);
            fields.insert("declined".to_owned(), JsonValue::Bool(false));
            cleared = true;
        }
    }
    cleared.then(|| members.to_string())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        let steps = Query::select()
            .columns([ChallengeEvents::BidId, ChallengeEvents::Detail])
            .from(ChallengeEvents::Table)
            .and_where(Expr::col(ChallengeEvents::Action).eq("bid.link_member"))
            .and_where(Expr::col(ChallengeEvents::BidId).is_not_null())
            .to_owned();
        let steps = conn.query_all(&steps).await?;
        let mut decided: HashMap<i64, HashSet<usize>> = HashMap::new();
        for step in steps {
            let bid: i64 = step.try_get("", "bid_id")?;
            let detail: Option<String> = step.try_get("", "detail")?;
            if let Some(place) = detail.as_deref().and_then(place_in) {
                decided.entry(bid).or_default().insert(place);
            }
        }
        let rows = Query::select()
            .columns([Bids::Id, Bids::Consortium])
            .from(Bids::Table)
            .and_where(Expr::col(Bids::Consortium).like("%org_id%"))
            .to_owned();
        let rows = conn.query_all(&rows).await?;
        let none = HashSet::new();
        for row in rows {
            let id: i64 = row.try_get("", "id")?;
            let consortium: String = row.try_get("", "consortium")?;
            let decisions = decided.get(&id).unwrap_or(&none);
            if let Some(cleared) = without_automatic_links(&consortium, decisions) {
                manager
                    .exec_stmt(
                        Query::update()
                            .table(Bids::Table)
                            .value(Bids::Consortium, cleared)
                            .and_where(Expr::col(Bids::Id).eq(id))
                            .to_owned(),
                    )
                    .await?;
            }
        }
        Ok(())
    }

    /// Nothing to undo: the cleared links were never the bureau's, and older code reads
    /// an unlinked member as it reads one typed today.
    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_places_the_bureau_decided_keep_their_links() {
        assert_eq!(
            place_in("第 2 位联合体成员「津沽院3号」关联到「津沽材料研究院」"),
            Some(2)
        );
        let stored = r#"[{"name":"甲","uscc":null,"org_id":7},{"name":"乙","org_id":8},{"name":"丙","uscc":null,"org_id":null,"declined":true}]"#;
        let cleared = without_automatic_links(stored, &HashSet::from([2])).unwrap();
        let links: Vec<(JsonValue, JsonValue)> = cleared
            .parse::<JsonValue>()
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["org_id"].clone(), m["declined"].clone()))
            .collect();
        let expected: Vec<(JsonValue, JsonValue)> = vec![
            (JsonValue::Null, JsonValue::Bool(false)),
            (JsonValue::from(8), JsonValue::Null),
            (JsonValue::Null, JsonValue::Bool(true)),
        ];
        assert_eq!(links, expected);
        assert_eq!(without_automatic_links(&cleared, &HashSet::from([2])), None);
    }
}
