//! 揭榜挂帅: challenges (榜单), the bids on them, the experts who score the bids, the
//! objections lodged during the 公示, the milestones of the winners and a timeline of
//! everything that happened.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Challenges {
    Table,
    Id,
    PublicId,
    Kind,
    Title,
    PublisherOrgId,
    CreatedBy,
    Industry,
    Keywords,
    Background,
    Problem,
    /// The quantified acceptance metrics, one per line.
    Metrics,
    Scenario,
    FinalUser,
    RewardEnterpriseYuan,
    RewardSubsidyYuan,
    BidDeadline,
    CompletionMonths,
    Eligibility,
    HorseRace,
    MaxWinners,
    Confidentiality,
    ContactName,
    ContactPhone,
    Status,
    StatusReason,
    /// The expert review's weighted criteria, as JSON.
    Criteria,
    DropExtremes,
    PublicityWorkingDays,
    PublicityStarts,
    PublicityEnds,
    /// The agreement and task book (任务书) as recorded at the award, as JSON.
    TaskBook,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Bids {
    Table,
    Id,
    ChallengeId,
    LeadOrgId,
    CreatedBy,
    /// Consortium members as JSON: `[{"org_id", "name"}]`.
    Consortium,
    TeamLeader,
    Team,
    TechnicalPlan,
    BudgetYuan,
    ExistingBase,
    Patents,
    AchievementIds,
    PledgeSignedAt,
    Status,
    /// The formal review's reasons per item, as JSON.
    FormalReview,
    StatusReason,
    SubmittedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum BidMilestones {
    Table,
    Id,
    BidId,
    Seq,
    Title,
    Metrics,
    DueDate,
    AmountYuan,
    Status,
    Report,
    Evidence,
    ReportedAt,
    DecisionReason,
    DecidedBy,
    DecidedAt,
}

#[derive(DeriveIden)]
enum ChallengeExperts {
    Table,
    Id,
    ChallengeId,
    ExpertUserId,
    /// The expert's organisation when assigned: conflicts are judged against it.
    ExpertOrgId,
    AssignedBy,
    AssignedAt,
}

#[derive(DeriveIden)]
enum ExpertScores {
    Table,
    Id,
    ChallengeId,
    BidId,
    ExpertUserId,
    /// Tenths of a point per criterion, in the order of the challenge's criteria, as JSON.
    Scores,
    Comment,
    SubmittedAt,
}

#[derive(DeriveIden)]
enum Objections {
    Table,
    Id,
    ChallengeId,
    BidId,
    UserId,
    Reason,
    Answer,
    Upheld,
    AnsweredBy,
    AnsweredAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ChallengeEvents {
    Table,
    Id,
    ChallengeId,
    BidId,
    ActorUserId,
    Action,
    Detail,
    At,
}

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .take()
}

fn big(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().take()
}

fn big_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().null().take()
}

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().take()
}

fn text_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().null().take()
}

fn short(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().take()
}

fn short_null(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).null().take()
}

fn at(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .take()
}

fn at_null(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().null().take()
}

fn flag(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .boolean()
        .not_null()
        .default(false)
        .take()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut index = Index::create().name(name).table(table).to_owned();
    for col in cols {
        index.col(col);
    }
    if unique {
        index.unique();
    }
    manager.create_index(index).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Challenges as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(id(C::Id))
                    .col(short(C::PublicId, 32).unique_key())
                    .col(short(C::Kind, 16))
                    .col(short(C::Title, 200))
                    .col(big(C::PublisherOrgId))
                    .col(big(C::CreatedBy))
                    .col(short_null(C::Industry, 100))
                    .col(text(C::Keywords))
                    .col(text(C::Background))
                    .col(text(C::Problem))
                    .col(text(C::Metrics))
                    .col(text(C::Scenario))
                    .col(short(C::FinalUser, 200))
                    .col(big(C::RewardEnterpriseYuan))
                    .col(big(C::RewardSubsidyYuan))
                    .col(at(C::BidDeadline))
                    .col(ColumnDef::new(C::CompletionMonths).integer().not_null())
                    .col(text(C::Eligibility))
                    .col(flag(C::HorseRace))
                    .col(
                        ColumnDef::new(C::MaxWinners)
                            .integer()
                            .not_null()
                            .default(1),
                    )
                    .col(short(C::Confidentiality, 16))
                    .col(short(C::ContactName, 100))
                    .col(short(C::ContactPhone, 50))
                    .col(short(C::Status, 32))
                    .col(text_null(C::StatusReason))
                    .col(text(C::Criteria))
                    .col(flag(C::DropExtremes))
                    .col(
                        ColumnDef::new(C::PublicityWorkingDays)
                            .integer()
                            .not_null()
                            .default(5),
                    )
                    .col(at_null(C::PublicityStarts))
                    .col(at_null(C::PublicityEnds))
                    .col(text_null(C::TaskBook))
                    .col(at(C::CreatedAt))
                    .col(at(C::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_challenges_status",
            C::Table,
            vec![C::Status.into_iden()],
            false,
        )
        .await?;

        use Bids as B;
        manager
            .create_table(
                Table::create()
                    .table(B::Table)
                    .col(id(B::Id))
                    .col(big(B::ChallengeId))
                    .col(big(B::LeadOrgId))
                    .col(big(B::CreatedBy))
                    .col(text(B::Consortium))
                    .col(short(B::TeamLeader, 100))
                    .col(text(B::Team))
                    .col(text(B::TechnicalPlan))
                    .col(big(B::BudgetYuan))
                    .col(text(B::ExistingBase))
                    .col(text(B::Patents))
                    .col(text(B::AchievementIds))
                    .col(at_null(B::PledgeSignedAt))
                    .col(short(B::Status, 32))
                    .col(text_null(B::FormalReview))
                    .col(text_null(B::StatusReason))
                    .col(at_null(B::SubmittedAt))
                    .col(at(B::CreatedAt))
                    .col(at(B::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // One bid per organisation and challenge: a team improves its bid, it does not
        // flood the call.
        index(
            manager,
            "idx_bids_challenge_lead",
            B::Table,
            vec![B::ChallengeId.into_iden(), B::LeadOrgId.into_iden()],
            true,
        )
        .await?;

        use BidMilestones as M;
        manager
            .create_table(
                Table::create()
                    .table(M::Table)
                    .col(id(M::Id))
                    .col(big(M::BidId))
                    .col(ColumnDef::new(M::Seq).integer().not_null())
                    .col(short(M::Title, 200))
                    .col(text(M::Metrics))
                    .col(at(M::DueDate))
                    .col(big(M::AmountYuan))
                    .col(short(M::Status, 32))
                    .col(text_null(M::Report))
                    .col(text_null(M::Evidence))
                    .col(at_null(M::ReportedAt))
                    .col(text_null(M::DecisionReason))
                    .col(big_null(M::DecidedBy))
                    .col(at_null(M::DecidedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_bid_milestones_bid_seq",
            M::Table,
            vec![M::BidId.into_iden(), M::Seq.into_iden()],
            true,
        )
        .await?;

        use ChallengeExperts as E;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .col(id(E::Id))
                    .col(big(E::ChallengeId))
                    .col(big(E::ExpertUserId))
                    .col(big_null(E::ExpertOrgId))
                    .col(big(E::AssignedBy))
                    .col(at(E::AssignedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_challenge_experts_pair",
            E::Table,
            vec![E::ChallengeId.into_iden(), E::ExpertUserId.into_iden()],
            true,
        )
        .await?;

        use ExpertScores as S;
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .col(id(S::Id))
                    .col(big(S::ChallengeId))
                    .col(big(S::BidId))
                    .col(big(S::ExpertUserId))
                    .col(text(S::Scores))
                    .col(text(S::Comment))
                    .col(at(S::SubmittedAt))
                    .to_owned(),
            )
            .await?;
        // A sheet is final once submitted: it unlocks the other experts' scores.
        index(
            manager,
            "idx_expert_scores_pair",
            S::Table,
            vec![S::BidId.into_iden(), S::ExpertUserId.into_iden()],
            true,
        )
        .await?;

        use Objections as O;
        manager
            .create_table(
                Table::create()
                    .table(O::Table)
                    .col(id(O::Id))
                    .col(big(O::ChallengeId))
                    .col(big_null(O::BidId))
                    .col(big(O::UserId))
                    .col(text(O::Reason))
                    .col(text_null(O::Answer))
                    .col(ColumnDef::new(O::Upheld).boolean().null())
                    .col(big_null(O::AnsweredBy))
                    .col(at_null(O::AnsweredAt))
                    .col(at(O::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_objections_challenge",
            O::Table,
            vec![O::ChallengeId.into_iden()],
            false,
        )
        .await?;

        use ChallengeEvents as V;
        manager
            .create_table(
                Table::create()
                    .table(V::Table)
                    .col(id(V::Id))
                    .col(big(V::ChallengeId))
                    .col(big_null(V::BidId))
                    .col(big_null(V::ActorUserId))
                    .col(short(V::Action, 64))
                    .col(text_null(V::Detail))
                    .col(at(V::At))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_challenge_events_challenge",
            V::Table,
            vec![V::ChallengeId.into_iden()],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ChallengeEvents::Table.into_iden(),
            Objections::Table.into_iden(),
            ExpertScores::Table.into_iden(),
            ChallengeExperts::Table.into_iden(),
            BidMilestones::Table.into_iden(),
            Bids::Table.into_iden(),
            Challenges::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
