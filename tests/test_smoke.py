def test_it_loads_the_world(client_for):
    response = client_for("programme_manager").get("/portfolio/")
    assert response.status_code == 200
    assert response.content.count(b"data-code=") == 26
