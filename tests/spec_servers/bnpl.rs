//! The buy-now, pay-later platform of `bnpl-openapi.yaml`.
//!
//! Products whose code starts with `BNPL-` qualify for a loan. Enrolled customers are
//! `…/customers/enrolled` (loans need the customer's authorisation), `…/customers/trusted` (they
//! do not) and `…/customers/refused` (not eligible). A new customer whose postal code starts with
//! `00` is not eligible; others are created as `…/customers/new-N`, whose loans need
//! authorisation. Bodies that are not the JSON objects the description asks for are a 400 with
//! problem details.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use serde_json::{Value, json};

use super::{Server, json, pairs};

pub const CUSTOMERS: &str = "https://bnpl.example.com/customers";
pub const AUTHORIZATION_PAGE: &str = "https://bnpl.example.com/customer-authorization";

pub fn customer(name: &str) -> String {
    format!("{CUSTOMERS}/{name}")
}

#[derive(Default)]
struct Platform {
    customers: u32,
    loans: HashMap<String, Value>,
    /// authorisation token → loan id
    tokens: HashMap<String, String>,
}

type Shared = Arc<Mutex<Platform>>;

pub struct BnplServer {
    pub server: Server,
    state: Shared,
}

impl BnplServer {
    pub async fn start() -> Self {
        let state = Shared::default();
        let routes = Router::new()
            .route("/products", post(eligible_products))
            .route("/terms-and-conditions", get(terms))
            .route("/customers", post(create_customer))
            .route("/loan-transactions", post(create_loan))
            .route("/loan-transactions/{id}", get(loan))
            .route("/loan-transactions/{id}/status", patch(loan_status))
            .route("/auth", get(authorization))
            .with_state(state.clone());
        Self {
            server: Server::start("/bnpl/v1", routes).await,
            state,
        }
    }

    /// A loan as the platform holds it now.
    pub fn loan(&self, id: &str) -> Option<Value> {
        self.state.lock().expect("lock").loans.get(id).cloned()
    }
}

fn problem(detail: &str) -> Response {
    json(
        400,
        json!({"type": "https://bnpl.example.com/problems/bad-request", "status": "400", "detail": detail}),
    )
}

fn object(body: &str) -> Option<serde_json::Map<String, Value>> {
    match serde_json::from_str(body) {
        Ok(Value::Object(members)) => Some(members),
        _ => None,
    }
}

async fn eligible_products(body: String) -> Response {
    let Some(request) = object(&body) else {
        return problem("the body must be a JSON object");
    };
    let Some(products) = request.get("products").and_then(Value::as_array) else {
        return problem("`products` is required");
    };
    let mut codes = Vec::new();
    let mut total = 0.0;
    let mut currency = "GBP".to_owned();
    for product in products {
        let code = product["productCode"].as_str().unwrap_or_default();
        if code.starts_with("BNPL-") {
            codes.push(code.to_owned());
            total += product["purchaseAmount"]["amount"].as_f64().unwrap_or(0.0);
            if let Some(c) = product["purchaseAmount"]["currency"].as_str() {
                currency = c.to_owned();
            }
        }
    }
    let customer = request.get("customer").and_then(Value::as_str);
    let mut response = json!({
        "productCodes": codes,
        "eligibilityCheckRequired": customer.is_none(),
        "totalAmount": {"currency": currency, "amount": total},
    });
    if let Some(customer) = customer {
        response["existingCustomerNotEligible"] = json!(customer == self::customer("refused"));
    }
    json(200, response)
}

async fn terms() -> Response {
    json(
        200,
        json!([
            "Pay in three monthly instalments.",
            "No interest is charged."
        ]),
    )
}

async fn create_customer(State(platform): State<Shared>, body: String) -> Response {
    let Some(customer) = object(&body) else {
        return problem("the body must be a JSON object");
    };
    let text = |name: &str| customer.get(name).and_then(Value::as_str).unwrap_or("");
    if ["firstName", "lastName", "dateOfBirth", "postalCode"]
        .iter()
        .any(|name| text(name).is_empty())
        || customer.get("termsAndConditionsAccepted") != Some(&json!(true))
    {
        return problem("customer properties missing or terms not accepted");
    }
    if text("postalCode").starts_with("00") {
        return json(200, json!({"reasonCode": "POSTAL_AREA_NOT_SERVED"}));
    }
    let mut platform = platform.lock().expect("lock");
    platform.customers += 1;
    let id = format!("new-{}", platform.customers);
    json(
        201,
        json!({"customerId": id, "links": {"self": self::customer(&id)}}),
    )
}

async fn create_loan(State(platform): State<Shared>, body: String) -> Response {
    let Some(request) = object(&body) else {
        return problem("the body must be a JSON object");
    };
    let enrolled = request.get("enrolledCustomer").and_then(Value::as_str);
    let new = request.get("newCustomer").and_then(Value::as_str);
    let customer = match (enrolled, new) {
        (Some(c), None) | (None, Some(c)) => c.to_owned(),
        _ => return problem("exactly one of `enrolledCustomer` and `newCustomer` is required"),
    };
    let products = request.get("products").cloned().unwrap_or(Value::Null);
    let total = request.get("totalAmount").cloned().unwrap_or(Value::Null);
    if products.as_array().is_none_or(Vec::is_empty) || !total.is_object() {
        return problem("`products` and `totalAmount` are required");
    }
    let mut platform = platform.lock().expect("lock");
    let id = format!("loan-{}", platform.loans.len() + 1);
    let amount = total["amount"].as_f64().unwrap_or(0.0);
    let currency = total["currency"].clone();
    let instalment = json!({"currency": currency, "amount": amount / 3.0});
    platform.loans.insert(
        id.clone(),
        json!({
            "customer": customer,
            "products": products.as_array().into_iter().flatten()
                .map(|code| json!({"productCode": code}))
                .collect::<Vec<_>>(),
            "status": "Pending",
            "totalAmount": total,
            "paymentSchedule": [
                {"paymentDate": "2030-01-01", "amount": instalment, "lastPayment": false},
                {"paymentDate": "2030-02-01", "amount": instalment, "lastPayment": false},
                {"paymentDate": "2030-03-01", "amount": instalment, "lastPayment": true},
            ],
        }),
    );
    let mut response = json!({
        "loanTransactionId": id,
        "links": {"self": format!("https://bnpl.example.com/bnpl/v1/loan-transactions/{id}")},
    });
    if customer != self::customer("trusted") {
        let token = format!("7d1c3e52-0000-4000-8000-{:012}", platform.loans.len());
        platform.tokens.insert(token.clone(), id);
        response["redirectAuthToken"] = json!(token);
    }
    json(202, response)
}

async fn authorization(State(platform): State<Shared>, RawQuery(query): RawQuery) -> Response {
    let token = pairs(query.as_deref().unwrap_or_default())
        .into_iter()
        .find(|(n, _)| n == "AuthorizationToken")
        .map(|(_, v)| v)
        .unwrap_or_default();
    if !platform.lock().expect("lock").tokens.contains_key(&token) {
        return problem("unknown authorization token");
    }
    (
        StatusCode::FOUND,
        [("location", format!("{AUTHORIZATION_PAGE}?token={token}"))],
    )
        .into_response()
}

/// Reading a loan finalises it (the customer's authorisation happens out of band).
async fn loan(State(platform): State<Shared>, Path(id): Path<String>) -> Response {
    let mut platform = platform.lock().expect("lock");
    match platform.loans.get_mut(&id) {
        Some(loan) => {
            if loan["status"] == "Pending" {
                loan["status"] = json!("Finalised");
            }
            json(200, loan.clone())
        }
        None => json(404, json!({"type": "not-found"})),
    }
}

async fn loan_status(
    State(platform): State<Shared>,
    Path(id): Path<String>,
    body: String,
) -> Response {
    let status = object(&body).and_then(|b| b.get("status").cloned());
    let Some(status @ Value::String(_)) = status else {
        return problem("`status` is required");
    };
    let mut platform = platform.lock().expect("lock");
    match platform.loans.get_mut(&id) {
        Some(loan) => {
            loan["status"] = status;
            StatusCode::NO_CONTENT.into_response()
        }
        None => json(404, json!({"type": "not-found"})),
    }
}
