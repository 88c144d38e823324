"""The metrics against values worked out by hand: SWD, FID and KID on small inputs."""

import numpy as np
import pytest
from conftest import CIFAR10_JPG

from gan_lab.metrics import (
    METRICS,
    MissingWeightsError,
    fid,
    frechet_distance,
    inception_feature_fn,
    kernel_distance,
    score,
    sliced_wasserstein,
    swd,
    unbiased_mmd2,
)
from gan_lab.metrics.pyramid import laplacian_pyramid, reconstruct
from gan_lab.metrics.swd import random_directions


@pytest.fixture
def images():
    """float32 (48, 32, 32, 3) smooth random images in [-1, 1]."""
    rng = np.random.default_rng(1)
    coarse = rng.uniform(-1, 1, (48, 8, 8, 3)).astype("float32")
    return np.repeat(np.repeat(coarse, 4, axis=1), 4, axis=2)


def small_swd(a, b, **options):
    return swd(a, b, patches_per_image=8, n_directions=64, **options)


# Laplacian pyramid


def test_pyramid_levels_of_32_pixel_images(images):
    levels = laplacian_pyramid(images)
    assert [level.shape[1:3] for level in levels] == [(32, 32), (16, 16), (8, 8)]


def test_pyramid_reconstructs_the_images(images):
    rebuilt = reconstruct(laplacian_pyramid(images))
    np.testing.assert_allclose(rebuilt, images, atol=1e-5)


def test_pyramid_of_constant_image_has_empty_bands():
    constant = np.full((2, 32, 32, 3), 0.25, "float32")
    levels = laplacian_pyramid(constant)
    np.testing.assert_allclose(levels[0], 0.0, atol=1e-6)
    np.testing.assert_allclose(levels[-1], 0.25, atol=1e-6)


# Sliced Wasserstein distance on descriptors: the projection step alone


def test_projection_distance_of_shift_on_axes():
    # On the coordinate axes each 1-D distance is the shift along that axis.
    rng = np.random.default_rng(2)
    descriptors = rng.standard_normal((500, 4)).astype("float32")
    shift = np.array([0.5, -1.0, 0.0, 2.0], "float32")
    distance = sliced_wasserstein(descriptors, descriptors + shift, np.eye(4, dtype="float32"))
    assert distance == pytest.approx(np.mean(np.abs(shift)), abs=1e-5)


def test_projection_distance_of_shift_on_random_directions():
    # A shift s moves every projection onto unit vector d by d.s, so each 1-D distance is |d.s|.
    rng = np.random.default_rng(3)
    descriptors = rng.standard_normal((300, 6)).astype("float32")
    shift = rng.standard_normal(6).astype("float32")
    directions = random_directions(6, 50, seed=0)
    expected = np.mean(np.abs(shift @ directions))
    assert sliced_wasserstein(descriptors, descriptors + shift, directions) == pytest.approx(expected, abs=1e-5)


def test_random_directions_are_unit_vectors():
    directions = random_directions(147, 64, seed=0)
    np.testing.assert_allclose(np.linalg.norm(directions, axis=0), 1.0, atol=1e-5)


def test_projection_distance_rejects_unequal_sets():
    with pytest.raises(ValueError, match="same shape"):
        sliced_wasserstein(np.zeros((3, 2)), np.zeros((4, 2)), np.eye(2))


# SWD on images


def test_swd_of_identical_sets_is_zero(images):
    value, per_level = small_swd(images, images.copy())
    assert value == 0.0
    assert per_level == [0.0, 0.0, 0.0]


def test_swd_is_symmetric(images):
    other = np.clip(images + np.random.default_rng(4).normal(0, 0.3, images.shape), -1, 1).astype("float32")
    forward, _ = small_swd(images, other)
    backward, _ = small_swd(other, images)
    assert forward == pytest.approx(backward, rel=1e-6)


def test_swd_grows_with_difference(images):
    rng = np.random.default_rng(5)
    noise = rng.normal(0, 1, images.shape).astype("float32")
    slight, _ = small_swd(images, images + 0.05 * noise)
    strong, _ = small_swd(images, images + 0.5 * noise)
    assert slight > 0
    assert strong > slight


def test_swd_sees_a_colour_cast(images):
    value, per_level = small_swd(images, images + np.array([0.5, 0.0, 0.0], "float32"))
    assert per_level[-1] > 0.1
    assert value > 0


def test_swd_same_for_array_and_batches(images):
    from_array, _ = small_swd(images, images[::-1])
    from_batches, _ = small_swd(iter([images[:20], images[20:]]), images[::-1], batch_size=7)
    assert from_array == pytest.approx(from_batches, rel=1e-6)


def test_swd_rejects_different_image_sizes(images):
    with pytest.raises(ValueError, match="different image sizes"):
        small_swd(images, images[:, :16, :16])


# Fréchet distance


def test_fid_of_identical_features_is_zero():
    features = np.random.default_rng(6).standard_normal((400, 8))
    assert frechet_distance(features, features) == pytest.approx(0.0, abs=1e-8)


def test_fid_of_shifted_features_is_squared_shift():
    # Same covariance, so only ||mu_a - mu_b||^2 remains.
    features = np.random.default_rng(7).standard_normal((400, 8))
    shift = np.arange(8) / 4.0
    assert frechet_distance(features, features + shift) == pytest.approx(np.sum(shift**2), rel=1e-6)


def test_fid_of_doubled_features():
    # b = 2a: mu_b = 2 mu_a and S_b = 4 S_a, so FID = ||mu_a||^2 + Tr(S_a + 4 S_a - 2 * 2 S_a) = ||mu_a||^2 + Tr(S_a).
    features = np.random.default_rng(8).normal(1.0, 2.0, (300, 5))
    expected = np.sum(features.mean(axis=0) ** 2) + np.trace(np.cov(features, rowvar=False))
    assert frechet_distance(features, 2 * features) == pytest.approx(expected, rel=1e-6)


def test_fid_is_symmetric_and_grows():
    rng = np.random.default_rng(9)
    a, b, c = rng.standard_normal((3, 300, 6))
    near, far = frechet_distance(a, b + 0.1), frechet_distance(a, c + 1.0)
    assert frechet_distance(a, b + 0.1) == pytest.approx(frechet_distance(b + 0.1, a), rel=1e-6)
    assert near >= 0
    assert far > near


def test_fid_of_images_with_feature_function(images):
    # Mean colour per channel as features: an added constant c shifts every feature by c.
    def mean_colour(batch):
        return batch.mean(axis=(1, 2))

    assert fid(images, images + 0.2, mean_colour) == pytest.approx(3 * 0.2**2, rel=1e-4)


def test_fid_rejects_mismatched_dimensions():
    with pytest.raises(ValueError, match="differ in dimension"):
        frechet_distance(np.zeros((5, 3)), np.zeros((5, 4)))


# Kernel distance


def test_mmd2_worked_by_hand():
    # dim 1, x = {0, 0}, y = {1, 1}: k(0,0) = 1, k(1,1) = (1 + 1)^3 = 8, k(0,1) = 1,
    # so MMD^2 = mean k(x,x') + mean k(y,y') - 2 mean k(x,y) = 1 + 8 - 2 = 7.
    assert unbiased_mmd2(np.zeros((2, 1)), np.ones((2, 1))) == pytest.approx(7.0)


def test_kid_of_same_distribution_is_near_zero():
    rng = np.random.default_rng(10)
    a, b = rng.standard_normal((2, 500, 16))
    mean, _ = kernel_distance(a, b, n_subsets=10, subset_size=200)
    shifted, _ = kernel_distance(a, b + 0.5, n_subsets=10, subset_size=200)
    assert abs(mean) < 0.02
    assert shifted > 10 * abs(mean)


def test_mmd2_of_identical_set_matches_formula():
    # With y = x, the within-set terms leave out the diagonal but the cross term keeps it:
    # MMD^2 = 2 S_off / (m (m - 1)) - 2 (S_off + S_diag) / m^2, slightly below zero.
    x = np.random.default_rng(12).standard_normal((50, 4))
    kernel = (x @ x.T / 4 + 1) ** 3
    m, diagonal = 50, np.trace(kernel)
    off_diagonal = kernel.sum() - diagonal
    expected = 2 * off_diagonal / (m * (m - 1)) - 2 * (off_diagonal + diagonal) / m**2
    assert unbiased_mmd2(x, x) == pytest.approx(expected, rel=1e-9)
    assert expected < 0


def test_kid_is_symmetric_and_grows():
    rng = np.random.default_rng(11)
    a, b = rng.standard_normal((2, 400, 16))
    near, _ = kernel_distance(a, b + 0.1, n_subsets=10, subset_size=100)
    far, _ = kernel_distance(a, b + 1.0, n_subsets=10, subset_size=100)
    swapped, _ = kernel_distance(b + 0.1, a, n_subsets=10, subset_size=100)
    assert near == pytest.approx(swapped, rel=1e-9)
    assert far > near
    assert far > 0.1


# Choosing a metric, and InceptionV3 without its weights


def test_score_by_name(images):
    result = score("swd", images, images)
    assert result.name == "swd"
    assert result.value == 0.0
    assert sorted(result.details) == ["swd_level_0", "swd_level_1", "swd_level_2"]


def test_score_rejects_unknown_metric(images):
    with pytest.raises(ValueError, match="Unknown metric 'is'"):
        score("is", images, images)
    assert METRICS == ("swd", "fid", "kid")


def test_missing_inception_weights_raise_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(MissingWeightsError) as caught:
        inception_feature_fn()
    message = str(caught.value)
    assert str(tmp_path / "models" / "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5") in message
    assert "--metric swd" in message


def test_fid_by_name_without_weights_raises(images, tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(MissingWeightsError):
        score("fid", images, images)


def test_swd_of_grayscale_28_pixel_images():
    # MNIST-sized images give two levels, 28 and 14 pixels; 7 would be below min_size 8.
    rng = np.random.default_rng(13)
    images = rng.uniform(-1, 1, (16, 28, 28, 1)).astype("float32")
    value, per_level = small_swd(images, np.clip(images + 0.3, -1, 1))
    assert len(per_level) == 2
    assert value > 0


@pytest.mark.skipif(not CIFAR10_JPG.exists(), reason="needs ../shared/data/cifar10-jpg.tar.gz beside the checkout")
def test_swd_ranks_real_cifar_closest(tmp_path, monkeypatch):
    from gan_lab.data import load_images

    monkeypatch.setenv("GAN_LAB_CACHE", str(tmp_path / "cache"))
    train_images = load_images(CIFAR10_JPG, split="train", limit=256, seed=0)
    test_images = load_images(CIFAR10_JPG, split="test", limit=256, seed=0)
    # Blocky 8x8 copies of the training images: right colours and layout, no fine detail.
    blurred = np.repeat(np.repeat(train_images[:, ::4, ::4], 4, axis=1), 4, axis=2)
    noise = np.random.default_rng(14).uniform(-1, 1, test_images.shape).astype("float32")
    real_distance, real_levels = swd(train_images, test_images)
    _, blurred_levels = swd(blurred, test_images)
    noise_distance, _ = swd(noise, test_images)
    # The missing detail shows at the finest level: about 0.03 for real against 0.05 for blocky images.
    assert real_levels[0] < 0.7 * blurred_levels[0]
    assert noise_distance > 5 * real_distance


def test_inception_pipeline_with_random_weights():
    # weights=None builds InceptionV3 with random weights and downloads nothing.
    import keras

    from gan_lab.metrics.inception import pooled_features

    model = keras.applications.InceptionV3(include_top=False, pooling="avg", weights=None)
    features = pooled_features(model, value_range=(-1, 1))
    rng = np.random.default_rng(15)
    colour = features(rng.uniform(-1, 1, (2, 32, 32, 3)).astype("float32"))
    gray = features(rng.uniform(-1, 1, (2, 28, 28, 1)).astype("float32"))
    assert colour.shape == (2, 2048)
    assert gray.shape == (2, 2048)
    assert np.isfinite(colour).all()
