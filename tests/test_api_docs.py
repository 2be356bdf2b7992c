def test_openapi_schema_is_public_and_documents_errors(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "CareMentor API"
    me = schema["paths"]["/api/v1/me"]["get"]
    assert "401" in me["responses"]
    assert "ErrorOut" in schema["components"]["schemas"]


def test_interactive_docs_load_bundled_assets_under_our_csp(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    # Served from our static files, never a CDN (CSP allows only 'self').
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "Content-Security-Policy" in response.headers
