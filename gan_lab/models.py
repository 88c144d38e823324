"""Generator and discriminator builders: the dense networks of the original notebook and DCGAN.

Both families work for any ``latent_dim`` and for 32x32x3 (CIFAR-10) and 28x28x1 (MNIST)
images. The generator's last activation follows the data's value range: tanh for [-1, 1],
sigmoid for [0, 1].
"""

import keras
from keras import layers

KINDS = ("dense", "dcgan")

# DCGAN (Radford et al., 2016) initialises every weight from N(0, 0.02).
DCGAN_INIT_STDDEV = 0.02
LEAKY_SLOPE = 0.2


def _check_kind(kind):
    if kind not in KINDS:
        raise ValueError(f"Unknown model kind {kind!r}; use one of {', '.join(KINDS)}.")


def _check_image_shape(image_shape):
    image_shape = tuple(int(size) for size in image_shape)
    if len(image_shape) != 3 or min(image_shape) < 1:
        raise ValueError(
            f"image_shape must be (height, width, channels), got {image_shape!r}; "
            "for CIFAR-10 use (32, 32, 3), for MNIST (28, 28, 1)."
        )
    return image_shape


def output_activation(value_range):
    """Return the generator's last activation for images in ``value_range``."""
    value_range = tuple(float(bound) for bound in value_range)
    if value_range == (-1.0, 1.0):
        return "tanh"
    if value_range == (0.0, 1.0):
        return "sigmoid"
    raise ValueError(
        f"value_range must be (-1, 1) for a tanh generator or (0, 1) for a sigmoid one, "
        f"got {value_range!r}."
    )


def upsampling_steps(image_shape, max_steps=3):
    """Return how many stride-2 steps lead from a small base grid to ``image_shape``.

    32x32 gives 3 steps from a 4x4 base and 28x28 gives 2 steps from 7x7: the sides are
    halved while they stay even and at least 4 pixels wide.
    """
    height, width = image_shape[:2]
    steps = 0
    while steps < max_steps and height % 2 == 0 and width % 2 == 0 and min(height, width) >= 8:
        height, width, steps = height // 2, width // 2, steps + 1
    return steps


def build_generator(kind, latent_dim=100, image_shape=(32, 32, 3), *, value_range=(-1, 1), width=64):
    """Build a generator that maps ``(batch, latent_dim)`` noise to images.

    Returns an uncompiled ``keras.Sequential`` whose output is float32
    ``(batch, *image_shape)`` in ``value_range``. ``width`` sets the DCGAN's channel count
    in its last hidden layer (it doubles towards the input) and is ignored by "dense".
    """
    _check_kind(kind)
    image_shape = _check_image_shape(image_shape)
    if int(latent_dim) < 1:
        raise ValueError(f"latent_dim must be a positive integer, got {latent_dim!r}.")
    activation = output_activation(value_range)
    inputs = keras.Input((int(latent_dim),), name="noise")
    if kind == "dense":
        body = _dense_generator_layers(image_shape, activation)
    else:
        body = _dcgan_generator_layers(image_shape, activation, width)
    return keras.Sequential([inputs, *body], name="generator")


def _dense_generator_layers(image_shape, activation):
    # The original notebook's multilayer perceptron, widening towards the output.
    stack = []
    for units in (256, 512, 1024):
        stack += [
            layers.Dense(units),
            layers.LeakyReLU(LEAKY_SLOPE),
            layers.BatchNormalization(momentum=0.8),
        ]
    height, width, channels = image_shape
    stack += [
        layers.Dense(height * width * channels, activation=activation),
        layers.Reshape(image_shape),
    ]
    return stack


def _dcgan_generator_layers(image_shape, activation, width):
    steps = upsampling_steps(image_shape)
    height, image_width, channels = image_shape
    base_height, base_width = height >> steps, image_width >> steps
    base_channels = width * 2 ** max(steps - 1, 0)
    init = keras.initializers.RandomNormal(stddev=DCGAN_INIT_STDDEV)

    # The bias is left out before BatchNormalization, whose shift replaces it.
    stack = [
        layers.Dense(base_height * base_width * base_channels, use_bias=False, kernel_initializer=init),
        layers.BatchNormalization(),
        layers.ReLU(),
        layers.Reshape((base_height, base_width, base_channels)),
    ]
    for step in range(steps - 1):
        stack += [
            layers.Conv2DTranspose(
                base_channels // 2 ** (step + 1), 4, strides=2, padding="same",
                use_bias=False, kernel_initializer=init,
            ),
            layers.BatchNormalization(),
            layers.ReLU(),
        ]
    # The last step maps straight to the image channels, with no normalisation, as in DCGAN.
    stack.append(
        layers.Conv2DTranspose(
            channels, 4, strides=2 if steps else 1, padding="same",
            activation=activation, kernel_initializer=init,
        )
    )
    return stack


def build_discriminator(kind, image_shape=(32, 32, 3), *, from_logits=False, batch_norm=False, width=64):
    """Build a discriminator that maps images to one real-versus-fake score each.

    Takes float32 ``(batch, *image_shape)`` images and returns ``(batch, 1)``: the probability
    that each image is real, in [0, 1], or its logit when ``from_logits`` is True. Compile it
    with a loss that uses the same ``from_logits`` (``gan_lab.compile_discriminator`` does).

    ``batch_norm`` adds BatchNormalization to the DCGAN's inner layers. It is off by default
    because a frozen discriminator runs BatchNormalization in inference mode, so in the
    generator's step it would normalise with moving statistics that lag behind the batch
    statistics of its own step. ``width`` sets the DCGAN's first channel count.
    """
    _check_kind(kind)
    image_shape = _check_image_shape(image_shape)
    inputs = keras.Input(image_shape, name="images")
    if kind == "dense":
        body = _dense_discriminator_layers()
    else:
        body = _dcgan_discriminator_layers(image_shape, batch_norm, width)
    # float32 even under a mixed-precision policy, so the scores and the losses stay float32.
    score = layers.Dense(1, activation=None if from_logits else "sigmoid", name="score", dtype="float32")
    return keras.Sequential([inputs, *body, score], name="discriminator")


def _dense_discriminator_layers():
    return [
        layers.Flatten(),
        layers.Dense(512),
        layers.LeakyReLU(LEAKY_SLOPE),
        layers.Dense(256),
        layers.LeakyReLU(LEAKY_SLOPE),
    ]


def _dcgan_discriminator_layers(image_shape, batch_norm, width):
    init = keras.initializers.RandomNormal(stddev=DCGAN_INIT_STDDEV)
    stack = []
    for step in range(max(upsampling_steps(image_shape), 1)):
        stack.append(
            layers.Conv2D(width * 2**step, 4, strides=2, padding="same", kernel_initializer=init)
        )
        # DCGAN leaves the first layer unnormalised, so the first layer receives the raw pixel statistics.
        if batch_norm and step > 0:
            stack.append(layers.BatchNormalization())
        stack.append(layers.LeakyReLU(LEAKY_SLOPE))
    stack.append(layers.Flatten())
    return stack


def outputs_logits(discriminator):
    """Return True if the discriminator's last layer has no sigmoid, so it outputs logits."""
    last = discriminator.layers[-1]
    activation = getattr(last, "activation", None)
    return activation is None or getattr(activation, "__name__", "") != "sigmoid"
