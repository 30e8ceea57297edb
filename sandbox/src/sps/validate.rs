//! Request validation by the types, lengths, patterns and enums the SPS
//! documentation gives, reporting every offending field at once.
//!
//! Lengths count Unicode scalar values, as JSON Schema's `minLength` /
//! `maxLength` do. A `null` field counts as absent, because clients that
//! build bodies from optional inputs often send one.

use serde::Serialize;
use serde_json::{Map, Number, Value};

use super::state::Action;

/// One thing wrong with a request, as it appears in an error's `details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct FieldError {
    /// The field, header or path parameter, e.g. `iccid` or `bucketRefId[2]`.
    pub(crate) field: String,
    /// What is wrong with it, e.g. `must be 19 to 20 digits`.
    pub(crate) message: String,
}

impl FieldError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A valid Activate Subscription request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ActivateRequest {
    pub(crate) partner_transaction_id: String,
    pub(crate) subscriber_id: String,
    pub(crate) wholesale_plan_id: String,
    pub(crate) bucket_ref_id: Option<Vec<String>>,
    pub(crate) location: Map<String, Value>,
    pub(crate) bill_cycle_frequency: Option<String>,
    pub(crate) bill_cycle_start_day: Option<Number>,
    pub(crate) gpsi: Option<String>,
    pub(crate) gpsi_reservation_id: Option<String>,
    pub(crate) iccid: Option<String>,
    pub(crate) pei: Option<String>,
    pub(crate) eid: Option<String>,
    pub(crate) esim_delivery_method: Option<String>,
    pub(crate) products: Option<Vec<Value>>,
}

/// Which subscription an update names: the documentation's `oneOf` takes
/// either its ICCID or its GPSI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SubscriptionRef {
    Iccid(String),
    Gpsi(String),
}

impl SubscriptionRef {
    /// The request field the ID came in.
    pub(crate) fn field(&self) -> &'static str {
        match self {
            Self::Iccid(_) => "iccid",
            Self::Gpsi(_) => "gpsi",
        }
    }

    /// The ID.
    pub(crate) fn value(&self) -> &str {
        match self {
            Self::Iccid(id) | Self::Gpsi(id) => id,
        }
    }
}

/// A valid Update Subscription Status request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UpdateRequest {
    pub(crate) partner_transaction_id: String,
    pub(crate) subscription: SubscriptionRef,
    pub(crate) action: Action,
}

/// The string shapes the documentation uses.
#[derive(Debug, Clone, Copy)]
enum Text {
    /// `^.*$` within a length range: one line of any text.
    Line { min: usize, max: usize },
    /// `^[-a-zA-Z0-9\s].*$` within a length range.
    Identifier { min: usize, max: usize },
    /// `^[0-9]{min,max}$`.
    Digits { min: usize, max: usize },
    /// One of a fixed set of values (case-sensitive).
    OneOf(&'static [&'static str]),
}

const PARTNER_TRANSACTION_ID: Text = Text::Line { min: 1, max: 36 };
const SUBSCRIBER_ID: Text = Text::Identifier { min: 1, max: 36 };
const ICCID: Text = Text::Digits { min: 19, max: 20 };
const GPSI: Text = Text::Digits { min: 11, max: 15 };
const CUSTOMER_ID: Text = Text::Line { min: 1, max: 12 };
const ACTIONS: &[&str] = &["Suspend", "Resume", "Cease", "Reactivate"];

/// Whether `c` ends a line for ECMAScript's `.`, which the documented
/// patterns use.
fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// ECMAScript's `\s` (Rust's whitespace plus the byte-order mark).
fn is_ecma_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

impl Text {
    /// `Err` with the message for a value of this shape.
    fn check(self, value: &str) -> Result<(), String> {
        let len = value.chars().count();
        let in_range = |min: usize, max: usize| (min..=max).contains(&len);
        let ok = match self {
            Self::Line { min, max } => in_range(min, max) && !value.contains(is_line_terminator),
            Self::Identifier { min, max } => {
                let mut chars = value.chars();
                let first_ok = chars
                    .next()
                    .is_some_and(|c| c == '-' || c.is_ascii_alphanumeric() || is_ecma_space(c));
                in_range(min, max) && first_ok && !chars.as_str().contains(is_line_terminator)
            }
            Self::Digits { min, max } => {
                in_range(min, max) && value.bytes().all(|b| b.is_ascii_digit())
            }
            Self::OneOf(values) => values.contains(&value),
        };
        if ok { Ok(()) } else { Err(self.expected()) }
    }

    fn expected(self) -> String {
        match self {
            Self::Line { min, max } => {
                format!("must be {min} to {max} characters without line breaks")
            }
            Self::Identifier { min, max } => format!(
                "must be {min} to {max} characters without line breaks, \
                 starting with a letter, a digit, '-' or a space"
            ),
            Self::Digits { min, max } => format!("must be {min} to {max} digits"),
            Self::OneOf(values) => format!("must be one of {}", values.join(", ")),
        }
    }
}

/// Reads the fields of one JSON object, collecting what is wrong.
struct Reader<'a> {
    object: &'a Map<String, Value>,
    errors: Vec<FieldError>,
}

impl<'a> Reader<'a> {
    fn new(body: &'a Value) -> Result<Self, Vec<FieldError>> {
        match body {
            Value::Object(object) => Ok(Self {
                object,
                errors: Vec::new(),
            }),
            _ => Err(vec![FieldError::new("body", "must be a JSON object")]),
        }
    }

    fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// The field's value; `None` when absent or `null`, which is an error if
    /// the field is required.
    fn value(&mut self, field: &str, required: bool) -> Option<&'a Value> {
        match self.object.get(field) {
            Some(Value::Null) | None => {
                if required {
                    self.fail(field, "is required");
                }
                None
            }
            Some(value) => Some(value),
        }
    }

    /// A string field of shape `text`.
    fn text(&mut self, field: &str, required: bool, text: Text) -> Option<String> {
        match self.value(field, required)? {
            Value::String(value) => match text.check(value) {
                Ok(()) => Some(value.clone()),
                Err(message) => {
                    self.fail(field, message);
                    None
                }
            },
            _ => {
                self.fail(field, "must be a string");
                None
            }
        }
    }

    /// A digits field that may also arrive as a JSON integer: the
    /// documentation's own update sample sends `"gpsi": 19459986891`.
    fn digits_or_integer(&mut self, field: &str, text: Text) -> Option<String> {
        match self.value(field, false)? {
            Value::Number(number) if number.is_u64() => {
                let value = number.to_string();
                match text.check(&value) {
                    Ok(()) => Some(value),
                    Err(message) => {
                        self.fail(field, message);
                        None
                    }
                }
            }
            _ => self.text(field, false, text),
        }
    }

    /// A JSON object field.
    fn object(&mut self, field: &str, required: bool) -> Option<Map<String, Value>> {
        match self.value(field, required)? {
            Value::Object(object) => Some(object.clone()),
            _ => {
                self.fail(field, "must be an object");
                None
            }
        }
    }

    /// A number field within `min..=max`.
    fn number(&mut self, field: &str, min: f64, max: f64) -> Option<Number> {
        match self.value(field, false)? {
            Value::Number(number) if number.as_f64().is_some_and(|n| (min..=max).contains(&n)) => {
                Some(number.clone())
            }
            _ => {
                self.fail(field, format!("must be a number from {min} to {max}"));
                None
            }
        }
    }

    /// An array field whose items each pass `item` (which names the error).
    fn array<T>(
        &mut self,
        field: &str,
        item: impl Fn(&Value) -> Result<T, &'static str>,
    ) -> Option<Vec<T>> {
        let Value::Array(values) = self.value(field, false)? else {
            self.fail(field, "must be an array");
            return None;
        };
        let mut items = Vec::with_capacity(values.len());
        let before = self.errors.len();
        for (i, value) in values.iter().enumerate() {
            match item(value) {
                Ok(parsed) => items.push(parsed),
                Err(message) => self.fail(format!("{field}[{i}]"), message),
            }
        }
        (self.errors.len() == before).then_some(items)
    }

    /// Whether `field` holds a non-null value (valid or not).
    fn present(&self, field: &str) -> bool {
        self.object.get(field).is_some_and(|v| !v.is_null())
    }

    /// Everything read so far, or every error found.
    fn finish<T>(self, value: Option<T>) -> Result<T, Vec<FieldError>> {
        match value {
            Some(value) if self.errors.is_empty() => Ok(value),
            // A required field that is missing always recorded an error, so
            // `None` with no errors cannot happen; report it rather than panic.
            _ if self.errors.is_empty() => Err(vec![FieldError::new("body", "is incomplete")]),
            _ => Err(self.errors),
        }
    }
}

fn non_empty_string(value: &Value) -> Result<String, &'static str> {
    match value {
        Value::String(s) if !s.is_empty() => Ok(s.clone()),
        _ => Err("must be a non-empty string"),
    }
}

fn json_object(value: &Value) -> Result<Value, &'static str> {
    if value.is_object() {
        Ok(value.clone())
    } else {
        Err("must be an object")
    }
}

/// Validates an Activate Subscription body.
pub(crate) fn activate(body: &Value) -> Result<ActivateRequest, Vec<FieldError>> {
    let mut r = Reader::new(body)?;
    let partner_transaction_id = r.text("partnerTransactionId", true, PARTNER_TRANSACTION_ID);
    let subscriber_id = r.text("subscriberId", true, SUBSCRIBER_ID);
    let wholesale_plan_id = r.text("wholesalePlanId", true, SUBSCRIBER_ID);
    let bucket_ref_id = r.array("bucketRefId", non_empty_string);
    let location = r.object("location", true);
    let bill_cycle_frequency = r.text("billCycleFrequency", false, Text::OneOf(&["MONTHLY"]));
    let bill_cycle_start_day = r.number("billCycleStartDay", 1.0, 28.0);
    let gpsi = r.text("gpsi", false, GPSI);
    let gpsi_reservation_id = r.text("gpsiReservationId", false, Text::Line { min: 1, max: 36 });
    let iccid = r.text("iccid", false, ICCID);
    let pei = r.text("pei", false, Text::Digits { min: 15, max: 17 });
    let eid = r.text("eid", false, Text::Digits { min: 19, max: 32 });
    let esim_delivery_method = r.text("eSIMDeliveryMethod", false, Text::OneOf(&["QR"]));
    let products = r.array("products", json_object);
    let request = (|| {
        Some(ActivateRequest {
            partner_transaction_id: partner_transaction_id?,
            subscriber_id: subscriber_id?,
            wholesale_plan_id: wholesale_plan_id?,
            bucket_ref_id,
            location: location?,
            bill_cycle_frequency,
            bill_cycle_start_day,
            gpsi,
            gpsi_reservation_id,
            iccid,
            pei,
            eid,
            esim_delivery_method,
            products,
        })
    })();
    r.finish(request)
}

/// Validates an Update Subscription Status body.
pub(crate) fn update(body: &Value) -> Result<UpdateRequest, Vec<FieldError>> {
    let mut r = Reader::new(body)?;
    let partner_transaction_id = r.text("partnerTransactionId", true, PARTNER_TRANSACTION_ID);
    let iccid = r.text("iccid", false, ICCID);
    let gpsi = r.digits_or_integer("gpsi", GPSI);
    let subscription = match (r.present("iccid"), r.present("gpsi")) {
        (true, true) => {
            r.fail("gpsi", "must not be given together with iccid");
            None
        }
        (false, false) => {
            r.fail("iccid", "is required (or gpsi)");
            None
        }
        _ => iccid
            .map(SubscriptionRef::Iccid)
            .or(gpsi.map(SubscriptionRef::Gpsi)),
    };
    let action = r
        .text("action", true, Text::OneOf(ACTIONS))
        .and_then(|a| Action::parse(&a));
    let request = (|| {
        Some(UpdateRequest {
            partner_transaction_id: partner_transaction_id?,
            subscription: subscription?,
            action: action?,
        })
    })();
    r.finish(request)
}

/// Validates the `wholesaleCustomerId` header: `None` when absent and
/// allowed. `value` is `Some(None)` for a header that is not UTF-8.
pub(crate) fn customer_id(
    value: Option<Option<&str>>,
    required: bool,
) -> Result<Option<String>, FieldError> {
    let field = super::CUSTOMER_ID_HEADER;
    match value {
        None if required => Err(FieldError::new(field, "header is required")),
        None => Ok(None),
        Some(None) => Err(FieldError::new(field, CUSTOMER_ID.expected())),
        Some(Some(value)) => CUSTOMER_ID
            .check(value)
            .map(|()| Some(value.to_owned()))
            .map_err(|message| FieldError::new(field, message)),
    }
}

/// Validates the `partnerTransactionId` path parameter (already decoded).
pub(crate) fn partner_transaction_id(value: &str) -> Result<(), FieldError> {
    PARTNER_TRANSACTION_ID
        .check(value)
        .map_err(|message| FieldError::new("partnerTransactionId", message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    fn minimal() -> Value {
        json!({
            "partnerTransactionId": "Txn101010101",
            "subscriberId": "Sub001",
            "wholesalePlanId": "Plan001",
            "location": {}
        })
    }

    #[test]
    fn the_documented_activation_sample_is_valid() {
        let body = json!({
            "partnerTransactionId": "Txn101010101",
            "subscriberId": "Sub001",
            "wholesalePlanId": "Plan001",
            "bucketRefId": ["Bucket001"],
            "location": {"postcode": "3000"},
            "billCycleFrequency": "MONTHLY",
            "billCycleStartDay": 1,
            "gpsi": "19459986891",
            "gpsiReservationId": "GRID368599719",
            "iccid": "11986621644523024501",
            "pei": "2288151828896431",
            "eSIMDeliveryMethod": "QR",
            "products": [{"productId": "P1"}]
        });
        let request = activate(&body).expect("valid");
        assert_eq!(request.iccid.as_deref(), Some("11986621644523024501"));
        assert_eq!(request.bill_cycle_start_day, Some(Number::from(1)));
    }

    #[test]
    fn every_bad_field_is_named() {
        let body = json!({
            "partnerTransactionId": "",
            "subscriberId": "_bad",
            "bucketRefId": ["ok", ""],
            "billCycleFrequency": "WEEKLY",
            "billCycleStartDay": 29,
            "gpsi": "123",
            "iccid": "8961ABC0000000000000",
            "pei": 123,
            "eid": "1",
            "eSIMDeliveryMethod": "SMS",
            "products": [1]
        });
        let errors = activate(&body).expect_err("invalid");
        assert_eq!(
            fields(&errors),
            [
                "partnerTransactionId",
                "subscriberId",
                "wholesalePlanId",
                "bucketRefId[1]",
                "location",
                "billCycleFrequency",
                "billCycleStartDay",
                "gpsi",
                "iccid",
                "pei",
                "eid",
                "eSIMDeliveryMethod",
                "products[0]"
            ]
        );
    }

    #[test]
    fn patterns_follow_ecmascript_lines_and_lengths_count_characters() {
        let mut body = minimal();
        body["partnerTransactionId"] = json!("a\nb");
        body["wholesalePlanId"] = json!(" plan");
        body["subscriberId"] = json!("é".repeat(36));
        let errors = activate(&body).expect_err("invalid");
        assert_eq!(fields(&errors), ["partnerTransactionId", "subscriberId"]);
        body["partnerTransactionId"] = json!("x".repeat(36));
        body["subscriberId"] = json!(format!("a{}", "é".repeat(35)));
        body["iccid"] = Value::Null;
        assert!(activate(&body).is_ok());
        body["iccid"] = json!("1".repeat(21));
        assert_eq!(fields(&activate(&body).expect_err("long")), ["iccid"]);
    }

    #[test]
    fn update_takes_exactly_one_of_iccid_and_gpsi() {
        let by_gpsi =
            json!({"partnerTransactionId": "T1", "gpsi": 19459986891_u64, "action": "Suspend"});
        let request = update(&by_gpsi).expect("valid");
        assert_eq!(
            request.subscription,
            SubscriptionRef::Gpsi("19459986891".into())
        );
        assert_eq!(request.action, Action::Suspend);
        let both = json!({"partnerTransactionId": "T1", "gpsi": "19459986891",
            "iccid": "8961000000000000001", "action": "Cease"});
        assert_eq!(fields(&update(&both).expect_err("both")), ["gpsi"]);
        let neither = json!({"partnerTransactionId": "T1", "action": "suspend"});
        assert_eq!(
            fields(&update(&neither).expect_err("neither")),
            ["iccid", "action"]
        );
        assert_eq!(fields(&update(&json!([])).expect_err("array")), ["body"]);
    }

    #[test]
    fn customer_id_header() {
        assert!(customer_id(None, true).is_err());
        assert_eq!(customer_id(None, false), Ok(None));
        assert!(customer_id(Some(Some("1234567890123")), false).is_err());
        assert!(customer_id(Some(None), false).is_err());
        assert_eq!(
            customer_id(Some(Some("920000108464")), true),
            Ok(Some("920000108464".into()))
        );
    }
}
