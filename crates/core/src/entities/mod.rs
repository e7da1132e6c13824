//! sea-orm entities: the rows as stored. Domain rules live in `services`, not here.

pub mod achievement;
pub mod api_token;
pub mod audit;
pub mod broker_assignment;
pub mod change;
pub mod contact;
pub mod contact_message;
pub mod deal;
pub mod need;
pub mod organisation;
pub mod password_reset;
pub mod session;
pub mod setting;
pub mod user;
