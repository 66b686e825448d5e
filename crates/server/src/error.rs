//! One error vocabulary: the codes clients key on, spelled here and nowhere
//! else, and the one builder of error responses. Every error body, whatever
//! refused the request, is GraphQL-shaped JSON:
//! `{"errors":[{"message":…,"extensions":{"code":…}}]}`.

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// A stable `extensions.code`, as clients of GraphQL servers key on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// The query text is not GraphQL.
    GraphqlParseFailed,
    /// The query does not fit the schema.
    GraphqlValidationFailed,
    /// An argument or variable the client passed is wrong.
    BadUserInput,
    /// The request is over one of the limits.
    LimitExceeded,
    /// The server has no room for the request now.
    Busy,
    /// The request ran out of time.
    Timeout,
    /// Something went wrong that the client cannot mend.
    Internal,
    /// No such route.
    NotFound,
    /// The route does not take this method.
    MethodNotAllowed,
    /// The client accepts none of the media types answers come in.
    NotAcceptable,
    /// The body comes in a media type that is not read.
    UnsupportedMediaType,
    /// The body is over the size limit.
    PayloadTooLarge,
    /// The request cannot be read: bad JSON, a missing or malformed parameter.
    BadRequest,
    /// An automatic persisted query's hash names no query the server keeps: send
    /// the query with its hash (Apollo's protocol).
    PersistedQueryNotFound,
}

impl Code {
    /// The code as clients see it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::GraphqlParseFailed => "GRAPHQL_PARSE_FAILED",
            Self::GraphqlValidationFailed => "GRAPHQL_VALIDATION_FAILED",
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::LimitExceeded => "LIMIT_EXCEEDED",
            Self::Busy => "BUSY",
            Self::Timeout => "TIMEOUT",
            Self::Internal => "INTERNAL",
            Self::NotFound => "NOT_FOUND",
            Self::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Self::NotAcceptable => "NOT_ACCEPTABLE",
            Self::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::BadRequest => "BAD_REQUEST",
            Self::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
        }
    }

    /// The HTTP status a request refused with this code gets, as GraphQL over
    /// HTTP asks for `application/graphql-response+json`.
    pub fn status(self) -> StatusCode {
        match self {
            Self::GraphqlParseFailed
            | Self::GraphqlValidationFailed
            | Self::BadUserInput
            | Self::LimitExceeded
            | Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::Busy | Self::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            // Apollo's clients take a 4xx to mean the server has no persisted
            // queries at all, and stop sending hashes.
            Self::PersistedQueryNotFound => StatusCode::OK,
        }
    }
}

/// The media types answers come in.
pub const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
/// Plain JSON, for clients that do not ask for GraphQL's own media type.
pub const JSON: &str = "application/json";

/// A request refused as a whole: an error response with no `data`.
#[derive(Debug)]
pub struct Refusal {
    code: Code,
    errors: Vec<Value>,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Refusal {
    /// A refusal with one error message.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self::with_errors(code, vec![json!({ "message": message.into() })])
    }

    /// A refusal with errors as GraphQL lays them out (message, locations); each
    /// gets the code in its `extensions`.
    pub fn with_errors(code: Code, mut errors: Vec<Value>) -> Self {
        for e in &mut errors {
            if let Some(e) = e.as_object_mut() {
                e.insert("extensions".into(), json!({ "code": code.as_str() }));
            }
        }
        Self {
            code,
            errors,
            headers: Vec::new(),
        }
    }

    /// Adds a header to the response, such as `Allow` or `Retry-After`.
    pub fn header(mut self, name: HeaderName, value: &'static str) -> Self {
        self.headers.push((name, HeaderValue::from_static(value)));
        self
    }

    /// The code the refusal carries.
    pub fn code(&self) -> Code {
        self.code
    }

    /// The response, in `media`. Request errors of GraphQL itself (parse,
    /// validation, limits, bad input) are a 200 in `application/json`, as GraphQL
    /// over HTTP asks of that media type; every other refusal keeps its status.
    pub fn into_response(self, media: &'static str) -> Response {
        let graphql_request_error =
            self.code.status() == StatusCode::BAD_REQUEST && self.code != Code::BadRequest;
        let status = if graphql_request_error && media != GRAPHQL_RESPONSE {
            StatusCode::OK
        } else {
            self.code.status()
        };
        let body = json!({ "errors": self.errors }).to_string();
        let mut response = (
            status,
            [(header::CONTENT_TYPE, HeaderValue::from_static(media))],
            body,
        )
            .into_response();
        response.headers_mut().extend(self.headers);
        // For the metrics, which count answers by what they refused.
        response.extensions_mut().insert(self.code);
        response
    }
}

/// A field error a client can act on (a page too large, a bad cursor, an
/// unknown slug in a filter): `extensions.code` is `BAD_USER_INPUT`.
pub fn bad_input(message: impl Into<String>) -> async_graphql::Error {
    use async_graphql::ErrorExtensions;
    async_graphql::Error::new(message)
        .extend_with(|_, e| e.set("code", Code::BadUserInput.as_str()))
}

/// A query the query layer refused, such as an unknown slug in a filter.
pub fn refused(e: coopgraph_data::query::QueryError) -> async_graphql::Error {
    bad_input(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_errors_are_200_in_plain_json_and_4xx_in_graphql_response_json() {
        let status = |code, media| Refusal::new(code, "x").into_response(media).status();
        assert_eq!(status(Code::GraphqlParseFailed, JSON), StatusCode::OK);
        assert_eq!(status(Code::GraphqlParseFailed, GRAPHQL_RESPONSE), 400);
        assert_eq!(status(Code::BadRequest, JSON), 400);
        assert_eq!(status(Code::PayloadTooLarge, JSON), 413);
        assert_eq!(status(Code::Busy, GRAPHQL_RESPONSE), 503);
    }
}
