import numpy as np
import pytest

from gan_lab.models import build_discriminator, build_generator, outputs_logits, upsampling_steps

SHAPES = [(32, 32, 3), (28, 28, 1)]


@pytest.mark.parametrize("kind", ["dense", "dcgan"])
@pytest.mark.parametrize("image_shape", SHAPES)
@pytest.mark.parametrize("latent_dim", [8, 100])
def test_generator_output_shape_and_tanh_range(kind, image_shape, latent_dim, seeded):
    generator = build_generator(kind, latent_dim, image_shape)
    noise = np.random.default_rng(0).normal(size=(5, latent_dim)).astype("float32")
    images = generator(noise, training=False).numpy()
    assert images.shape == (5, *image_shape)
    assert images.dtype == np.float32
    assert images.min() >= -1.0
    assert images.max() <= 1.0


@pytest.mark.parametrize("kind", ["dense", "dcgan"])
def test_generator_sigmoid_range_for_unit_interval(kind, seeded):
    generator = build_generator(kind, 16, value_range=(0, 1))
    images = generator(np.random.default_rng(1).normal(size=(4, 16)) * 5, training=False).numpy()
    assert images.min() >= 0.0
    assert images.max() <= 1.0


@pytest.mark.parametrize("kind", ["dense", "dcgan"])
@pytest.mark.parametrize("image_shape", SHAPES)
def test_discriminator_outputs_one_probability_per_image(kind, image_shape, seeded):
    discriminator = build_discriminator(kind, image_shape)
    images = np.random.default_rng(0).uniform(-1, 1, (6, *image_shape)).astype("float32")
    scores = discriminator(images, training=False).numpy()
    assert scores.shape == (6, 1)
    assert scores.min() >= 0.0
    assert scores.max() <= 1.0
    assert not outputs_logits(discriminator)


def test_discriminator_with_logits_has_no_sigmoid(seeded):
    discriminator = build_discriminator("dcgan", from_logits=True)
    assert outputs_logits(discriminator)
    scores = discriminator(np.full((2, 32, 32, 3), 0.9, "float32") * 50).numpy()
    assert np.all(np.isfinite(scores))


def test_dcgan_discriminator_batch_norm_option(seeded):
    plain = build_discriminator("dcgan")
    normalised = build_discriminator("dcgan", batch_norm=True)
    assert not any(layer.__class__.__name__ == "BatchNormalization" for layer in plain.layers)
    assert sum(layer.__class__.__name__ == "BatchNormalization" for layer in normalised.layers) == 2


def test_upsampling_steps_for_common_sizes():
    assert upsampling_steps((32, 32, 3)) == 3
    assert upsampling_steps((28, 28, 1)) == 2
    assert upsampling_steps((64, 64, 3)) == 3


def test_unknown_kind_names_the_choices():
    with pytest.raises(ValueError, match="dense, dcgan"):
        build_generator("resnet")
    with pytest.raises(ValueError, match="dense, dcgan"):
        build_discriminator("resnet")


def test_bad_value_range_and_shape_are_rejected():
    with pytest.raises(ValueError, match="value_range"):
        build_generator("dense", value_range=(0, 255))
    with pytest.raises(ValueError, match="image_shape"):
        build_generator("dense", image_shape=(32, 32))
    with pytest.raises(ValueError, match="latent_dim"):
        build_generator("dense", latent_dim=0)
