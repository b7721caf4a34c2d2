//! `/openapi.json` over HTTP: public, OpenAPI 3.1, and listing exactly the routes of
//! the table that the router serves, each with its security; validated by
//! `openapi-spec-validator` when `PATUNGAN_OPENAPI_PYTHON` names a Python that has it.

use patungan_service::auth::Rule;
use patungan_service::routes::ROUTES;
use reqwest::StatusCode;
use serde_json::Value;

use crate::fixture::*;
use crate::matrix::{call, Caller};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_json_lists_every_route_of_the_router() {
    let f = Fixture::start().await;
    let response = f
        .http
        .get(format!("{}/openapi.json", f.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let doc: Value = response.json().await.unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        doc["openapi"]
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(doc["components"]["schemas"]["Error"].is_object());
    let mut missing = Vec::new();
    for spec in ROUTES {
        let method = spec.verb.as_str().to_ascii_lowercase();
        let op = &doc["paths"][spec.path][&method];
        if !op.is_object() {
            missing.push(format!("{method} {}", spec.path));
            continue;
        }
        let secured = op["security"][0]["bearer"].is_array();
        assert_eq!(secured, spec.rule.needs_token(), "{}", spec.path);
        if spec.rule.needs_token() {
            for status in ["401", "403"] {
                assert!(
                    op["responses"][status].is_object(),
                    "{} {status}",
                    spec.path
                );
            }
        }
        if spec.rate_limited {
            assert!(op["responses"]["429"].is_object(), "{}", spec.path);
        }
        // The router serves it (this fixture runs the simulated providers, so the
        // whole table is live): never `request.no_route`.
        let (status, body) = call(&f, spec, Caller::NoToken).await;
        assert_ne!(
            body["error"]["code"], "request.no_route",
            "{} {status}",
            spec.path
        );
        if spec.rule.needs_token() {
            assert_eq!(status, StatusCode::UNAUTHORIZED);
        } else if spec.rule == Rule::Public {
            assert_eq!(status, StatusCode::OK);
        }
    }
    assert!(missing.is_empty(), "not in /openapi.json: {missing:?}");
    let documented: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum();
    assert_eq!(
        documented,
        ROUTES.len(),
        "an operation outside the route table"
    );
    validate_if_possible(&doc);
    f.stop().await;
}

/// Runs `openapi-spec-validator` on `doc` when `PATUNGAN_OPENAPI_PYTHON` is set.
fn validate_if_possible(doc: &Value) {
    let Ok(python) = std::env::var("PATUNGAN_OPENAPI_PYTHON") else {
        eprintln!(
            "openapi: PATUNGAN_OPENAPI_PYTHON is not set; not validated by openapi-spec-validator"
        );
        return;
    };
    let dir = std::env::temp_dir().join(format!("patungan-openapi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("openapi.json");
    std::fs::write(&file, serde_json::to_vec_pretty(doc).unwrap()).unwrap();
    let output = std::process::Command::new(python)
        .args(["-m", "openapi_spec_validator"])
        .arg(&file)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "openapi-spec-validator: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("openapi: valid per openapi-spec-validator");
}
