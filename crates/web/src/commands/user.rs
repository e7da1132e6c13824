//! `techmatch user …`: accounts the bureau appoints (its own staff, experts, brokers)
//! and, on a fresh platform, the first administrator.

use std::io::BufRead;
use std::process::ExitCode;

use clap::Subcommand;
use techmatch_core::accounts::{Role, password};
use techmatch_core::posting::OrgKind;
use techmatch_core::services::users::{self, NewUser};
use techmatch_core::t;

use crate::app::App;

/// Where a new user's password comes from when `--password-stdin` is not given.
pub const PASSWORD_ENV: &str = "TECHMATCH_PASSWORD";

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user of any role. The password is read from TECHMATCH_PASSWORD, or from
    /// the first line of standard input with --password-stdin (never from the command
    /// line, where other users of the machine could see it).
    Add {
        #[arg(long)]
        email: String,
        /// The person's name as shown on the platform.
        #[arg(long)]
        name: String,
        /// enterprise, researcher, moderator, admin, expert or broker.
        #[arg(long)]
        role: String,
        /// The organisation the user acts for (created unverified when unknown).
        #[arg(long)]
        org: Option<String>,
        /// enterprise, university, institute, bureau or agency; guessed from the name
        /// when omitted.
        #[arg(long)]
        org_kind: Option<String>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List,
}

pub async fn run(app: &App, command: UserCommand) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Add {
            email,
            name,
            role,
            org,
            org_kind,
            password_stdin,
        } => {
            let secret = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                line.trim_end_matches(['\r', '\n']).to_owned()
            } else {
                std::env::var(PASSWORD_ENV).map_err(|_| {
                    anyhow::anyhow!(t!("cli-user-password-missing", variable = PASSWORD_ENV))
                })?
            };
            let role = Role::parse(&role)?;
            let organisation = match org {
                Some(org) => {
                    let kind = match org_kind {
                        Some(kind) => OrgKind::parse(&kind)?,
                        None => OrgKind::guess_from_name(&org),
                    };
                    Some(users::org_ref(&org, kind, None)?)
                }
                None => None,
            };
            let user = add(app, email, name, role, organisation, secret).await?;
            let (email, role, id) = (user.email.as_str(), user.role.label(), user.id);
            let created = t!("cli-user-created", email = email, role = role, id = id);
            println!("{created}");
            Ok(ExitCode::SUCCESS)
        }
        UserCommand::List => {
            let suspended = format!("\t{}", t!("cli-user-suspended"));
            for user in users::all(&app.db).await? {
                println!(
                    "{}\t{}\t{}\t{}{}",
                    user.id,
                    user.email,
                    user.display_name,
                    user.role.code(),
                    if user.suspended {
                        suspended.as_str()
                    } else {
                        ""
                    }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Creates a user with a freshly hashed password.
///
/// # Errors
/// Invalid fields, a taken email or a database failure.
pub async fn add(
    app: &App,
    email: String,
    display_name: String,
    role: Role,
    organisation: Option<techmatch_core::posting::OrgRef>,
    secret: String,
) -> anyhow::Result<users::User> {
    let new = NewUser {
        email,
        password: secret,
        display_name,
        role,
        organisation,
    };
    // The command line is the bureau: it vouches for the membership, not for the
    // mailbox. The address counts as proven (`email_confirmed_at`) only once its owner
    // completes a password reset, as appointed staff do with their first link.
    create(app, &new, true).await
}

/// Checks and stores a user, hashing the password off the executor; `vouched` as in
/// `users::create`.
///
/// # Errors
/// Invalid fields, a taken email or a database failure.
pub async fn create(app: &App, new: &NewUser, vouched: bool) -> anyhow::Result<users::User> {
    users::check(new)?;
    let plain = new.password.clone();
    let hash = tokio::task::spawn_blocking(move || password::hash(&plain)).await??;
    Ok(users::create(&app.db, new, hash, vouched).await?)
}
