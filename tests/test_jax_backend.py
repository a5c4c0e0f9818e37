"""`make_vae` under Keras's JAX backend. The backend is fixed at import, so the checks run in a fresh process: one for all of them
(starting JAX and Keras is most of each check's time), each check's result or traceback reported to its own test."""
import importlib.util, json, os, subprocess, sys, textwrap

import pytest

pytestmark = pytest.mark.skipif(importlib.util.find_spec('jax') is None and not os.environ.get('VAE_LESSONS_REQUIRE_JAX'),
                                reason="jax is not installed (requirements-dev.txt installs it)")

RUNNER = """
import json, sys, traceback
results = {}
for name, code in json.loads(sys.stdin.read()).items():
    namespace = {}
    try: exec(code, namespace); results[name] = dict(result=namespace['result'])
    except Exception: results[name] = dict(error=traceback.format_exc()[-3000:])
print(json.dumps(results))
"""
CHECKS = {}   # name -> code that sets `result` (JSON-able); filled below, next to the test that reads it

@pytest.fixture(scope='module')
def under_jax(tmp_path_factory):
    "name -> result of each check in CHECKS, all run in one process with KERAS_BACKEND=jax."
    save_dir = tmp_path_factory.mktemp('jax_models')
    checks = {name: textwrap.dedent(code).replace('<SAVE_DIR>', str(save_dir)) for name, code in CHECKS.items()}
    env = {**os.environ, 'KERAS_BACKEND': 'jax', 'TF_CPP_MIN_LOG_LEVEL': '2', 'TF_ENABLE_ONEDNN_OPTS': '0'}
    done = subprocess.run([sys.executable, '-c', RUNNER], input=json.dumps(checks), env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout.strip().splitlines()[-1])
    def result(name):
        if 'error' in results[name]: pytest.fail(f"the check {name!r} raised under JAX:\n{results[name]['error']}")
        return results[name]['result']
    return result

CHECKS['trains'] = """
        import json, math, numpy as np, keras
        from vae_lessons.model import make_vae, GaussianVariationalLayer
        from vae_lessons.data import s_curve
        assert keras.backend.backend() == 'jax'
        x = (np.random.default_rng(0).random((600, 784)) < 0.3).astype('float32')
        vae, encoder, decoder = make_vae(784, seed=0)
        h = vae.fit(x, epochs=3, batch_size=100, validation_data=(x[:200], None), verbose=0).history
        vae.save(r'<SAVE_DIR>/m.keras')
        loaded = keras.saving.load_model(r'<SAVE_DIR>/m.keras', safe_mode=True)
        same = all(bool(np.array_equal(a, b)) for a, b in zip(keras.tree.flatten(loaded.predict(x[:5], verbose=0)), keras.tree.flatten(vae.predict(x[:5], verbose=0))))
        X, _ = s_curve(300, seed=0)
        vk, _, _ = make_vae(2, n_layers=2, dim_latent=1, dim_intermediate=20, cls_vae=GaussianVariationalLayer,
                            decoder_activation=None, dropout=None, seed=0, iwae_k=5)
        hk = vk.fit(X, epochs=2, batch_size=30, verbose=0).history
        ev = vk.evaluate(X, batch_size=300, verbose=0, return_dict=True)
        result = dict(h=h, same=same, hk=hk, ev=ev)
"""
def test_make_vae_trains_saves_and_reports_its_terms_under_jax(under_jax):
    res = under_jax('trains')
    h = res['h']
    assert set(h) == {'loss', 'reconstruction', 'kl', 'val_loss', 'val_reconstruction', 'val_kl'}
    assert all(len(v) == 3 for v in h.values())
    for prefix in ('', 'val_'):   # β = 1: the loss is the sum of its two reported terms
        assert abs(h[prefix + 'loss'][-1] - h[prefix + 'reconstruction'][-1] - h[prefix + 'kl'][-1]) < 0.5
    assert h['loss'][-1] < h['loss'][0] and all(k > 0 for k in h['kl'])
    assert res['same'], "a saved and reloaded model predicts the same"
    assert set(res['hk']) == {'loss', 'reconstruction', 'kl'} and set(res['ev']) == {'loss', 'reconstruction', 'kl'}
    assert res['ev']['loss'] <= res['ev']['reconstruction'] + res['ev']['kl'] + 1e-3, "the IWAE bound is at least the ELBO"

CHECKS['refuses'] = """
        import json, numpy as np
        from vae_lessons.model import make_vae
        vae, _, _ = make_vae(4, dim_intermediate=8, seed=0)
        msgs = []
        for bad in (np.full((10, 4), 0.5, 'float32')[:, :3], np.array([[0.5, np.nan, 0.5, 0.5]]*10, 'float32'), np.full((10, 4), 2., 'float32')):
            try: vae.fit(bad, verbose=0); msgs.append(None)
            except ValueError as e: msgs.append(str(e))
        result = msgs
"""
def test_bad_input_is_refused_under_jax(under_jax):
    res = under_jax('refuses')
    assert all(res), res
    assert 'shape (n, 4)' in res[0] and 'NaN' in res[1] and '[0, 1]' in res[2], res


CHECKS['own likelihood'] = """
        import json, math, numpy as np, keras
        from keras import ops
        from vae_lessons.model import make_vae, VariationalLayer, ContinuousBernoulliVariationalLayer
        from vae_lessons.iwae import log_likelihood
        x = np.random.default_rng(0).random((400, 16)).astype('float32')
        calls = []
        class Squares(VariationalLayer):
            def model_nll(self, x, x_pred):
                calls.append(1)
                return ops.sum(ops.square(x - x_pred), axis=-1)
        vae, _, _ = make_vae(16, dim_intermediate=32, cls_vae=Squares, decoder_activation=None, dropout=None, seed=0)
        h = vae.fit(x, epochs=3, batch_size=50, verbose=0).history
        out = vae.forward(x[:50], eps=np.zeros((50, 2), 'float32'))
        direct = float(ops.mean(ops.sum(ops.square(x[:50] - out['x_pred']), axis=-1)))
        via_terms = float(ops.mean(vae.loss_terms(x[:50], out)[0]))
        try: log_likelihood(vae, x[:10], k=5); refused = None
        except ValueError as e: refused = str(e)
        cb, _, _ = make_vae(16, dim_intermediate=32, cls_vae=ContinuousBernoulliVariationalLayer, seed=0)
        hc = cb.fit(x, epochs=3, batch_size=50, verbose=0).history
        ll = log_likelihood(cb, x[:20], k=20)
        ev = cb.evaluate(x, batch_size=100, verbose=0, return_dict=True)
        result = dict(h=h, calls=len(calls), direct=direct, via_terms=via_terms, refused=refused, hc=hc,
                      ll=float(ll.mean()), ll_finite=bool(np.isfinite(ll).all()), ev=ev)
"""
def test_own_likelihood_and_continuous_bernoulli_under_jax(under_jax):
    "A user's model_nll override is what trains, evaluates and is refused by log_likelihood; the CB trains and its log p(x) is finite."
    res = under_jax('own likelihood')
    assert res['calls'] > 0 and res['h']['loss'][-1] < res['h']['loss'][0]
    assert abs(res['direct'] - res['via_terms']) < 1e-4 * max(1.0, abs(res['direct'])), "the override is the NLL used"
    assert res['refused'] and 'does not declare its normalising constant' in res['refused']
    assert res['hc']['loss'][-1] < res['hc']['loss'][0] and res['ll_finite']
    assert res['ll'] >= -res['ev']['loss'] - 2.0, "the K = 20 bound is not below the ELBO (beyond sampling noise)"
