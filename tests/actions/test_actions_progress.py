"""The side navigation shows where the Actions step stands."""

from desktop_app.services.progress import step_states


def test_actions_step_goes_from_to_do_to_done(services, evaluation_id):
    assert step_states(services, evaluation_id)["actions"].state == "a_faire"
    ids = [services.actions.add_action(evaluation_id, {"title": f"Action {i}", "carrier": "Asso"}).id for i in range(4)]
    state = step_states(services, evaluation_id)["actions"]
    assert state.state == "en_cours" and "4 actions" in state.detail
    for aid in ids[:3]:
        services.actions.set_chosen(aid, True)
        services.actions.add_question(aid, "Les publics visés ont-ils été atteints ?", "efficacite")
    assert step_states(services, evaluation_id)["actions"].state == "termine"


def test_demo_actions_step_is_done(services, demo_id):
    assert step_states(services, demo_id)["actions"].state == "termine"
