//! Schemas the derive cannot write as client generators read them.

use utoipa::openapi::schema::{Array, ArrayBuilder, Object, Type};

/// A list of pairs, each a two-item array: `[[first, second], …]`. The derive writes
/// a tuple with `items: false`, which generators such as openapi-python-client refuse;
/// here the pair's items are given by position and nothing else is said of them.
pub fn pairs(first: Type, second: Type, description: &str) -> Array {
    let pair = ArrayBuilder::new()
        .prefix_items([Object::with_type(first), Object::with_type(second)])
        .min_items(Some(2))
        .max_items(Some(2))
        .build();
    ArrayBuilder::new()
        .items(utoipa::openapi::RefOr::T(utoipa::openapi::Schema::Array(
            pair,
        )))
        .description(Some(description))
        .build()
}
