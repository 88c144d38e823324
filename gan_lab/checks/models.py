"""Checks of lessons 02_generator and 03_discriminator: the network builders."""

from gan_lab.checks.base import Check, Exercise, failure

RANGE_TOLERANCE = 1e-5


def _not_a_model(case, builder):
    return failure(
        "a keras.Model", f"{case['type']}",
        f"end {builder} with `return model` where model is a keras.Sequential or keras.Model.",
    )


def _generator_error(case):
    """Return a failure for a generator that raised when called on noise, with a hint for known causes."""
    error = case["error"]
    expected = f"a generator that maps noise (8, {case['latent_dim']}) to images"
    if "KerasTensor" in error and "not callable" in error:
        hint = ("make_generator returned a tensor, not a model: wrap the layers in keras.Model(inputs, outputs) "
                "or use keras.Sequential, and return that model.")
    elif error.startswith("ValueError") and "shape" in error:
        hint = (f"the model expects another input shape than (8, {case['latent_dim']}): use the argument in "
                "keras.Input((latent_dim,)) in place of a fixed number.")
    else:
        hint = "run make_generator and call the model on noise in the notebook to see the whole traceback."
    return failure(expected, f"an error for latent_dim={case['latent_dim']}:\n{error}", hint)


def _generator_problem(case):
    if case.get("error"):
        return _generator_error(case)
    if not case["is_model"]:
        return _not_a_model(case, "make_generator")
    return None


def verify_generator_shapes(data):
    for case in data["cases"]:
        problem = _generator_problem(case)
        if problem:
            return problem
        expected = [8, *case["image_shape"]]
        if case["output_shape"] != expected:
            return failure(
                f"output shape {tuple(expected)} for latent_dim={case['latent_dim']}, "
                f"image_shape={tuple(case['image_shape'])}",
                f"{tuple(case['output_shape'])}",
                "end with a Reshape(image_shape) (dense) or strided Conv2DTranspose layers that reach the "
                "image size, with image_shape[-1] channels; take the sizes from the arguments, not constants.",
            )
    return None


def verify_generator_range(data):
    for case in data["cases"]:
        problem = _generator_problem(case)
        if problem:
            return problem
        if not case["finite"]:
            return failure("finite pixel values", "NaN or infinite values", "check the layers for divisions or logs.")
        low, high = case["min"], case["max"]
        if low < -1 - RANGE_TOLERANCE or high > 1 + RANGE_TOLERANCE:
            return failure(
                "pixel values in [-1, 1]", f"values in [{low:.3f}, {high:.3f}]",
                "give the last layer activation='tanh', so the images share the data's range [-1, 1].",
            )
        if low >= 0:
            return failure(
                "pixel values in [-1, 1], negative ones included", f"values in [{low:.3f}, {high:.3f}], none negative",
                "a sigmoid or relu output cannot reach -1; use activation='tanh' on the last layer.",
            )
    return None


def verify_generator_other_size(data):
    """Check that the generator runs and has the right output shape; the visible check tests the range."""
    return verify_generator_shapes(data)


def _output_kind(data):
    """Return "probabilities" or "logits" as the discriminator's output shows them."""
    if data["last_activation"] == "sigmoid":
        return "probabilities"
    if data["min"] < 0 or data["max"] > 1:
        return "logits"
    return "logits" if data["last_activation"] in (None, "linear") else "probabilities"


def verify_discriminator_shape(data):
    if not data["is_model"]:
        return _not_a_model(data, "make_discriminator")
    expected = [8, 1]
    if data["output_shape"] != expected:
        return failure(
            f"scores of shape {tuple(expected)} for 8 images of shape {tuple(data['image_shape'])}",
            f"{tuple(data['output_shape'])}",
            "flatten the features and end with Dense(1, activation='sigmoid'): one score per image.",
        )
    return None


def verify_discriminator_output(data):
    problem = verify_discriminator_shape(data)
    if problem:
        return problem
    if _output_kind(data) == "probabilities" and (data["min"] < -RANGE_TOLERANCE or data["max"] > 1 + RANGE_TOLERANCE):
        return failure(
            "probabilities in [0, 1]", f"scores in [{data['min']:.3f}, {data['max']:.3f}]",
            "end with Dense(1, activation='sigmoid').",
        )
    return None


def verify_discriminator_compiled(data):
    if not data["is_model"]:
        return _not_a_model(data, "make_discriminator")
    if not data["compiled"] or data["optimizer"] is None:
        return failure(
            "a compiled model with its own optimizer", "a model that was not compiled",
            "call discriminator.compile(optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5), "
            "loss='binary_crossentropy') before returning it.",
        )
    loss = (data["loss"] or "").lower().replace("_", "")
    if "binarycrossentropy" not in loss:
        return failure(
            "binary cross-entropy as the loss", f"loss {data['loss']!r}",
            "use loss=keras.losses.BinaryCrossentropy(): real versus fake is a two-class problem.",
        )
    return None


def verify_discriminator_trainable(data):
    if not data["is_model"]:
        return _not_a_model(data, "make_discriminator")
    if data["trainable_variables"] == 0:
        return failure(
            "a discriminator that its own train_on_batch can update", "0 trainable variables (trainable is False)",
            "do not set discriminator.trainable = False in make_discriminator: Keras 3 reads the flag when "
            "train_on_batch first runs, so the discriminator would never learn.",
        )
    return None


def verify_loss_matches_output(data):
    if not data["is_model"]:
        return _not_a_model(data, "make_discriminator")
    if data["from_logits"] is None:
        return failure(
            "a binary cross-entropy loss whose from_logits matches the output", f"loss {data['loss']!r}",
            "compile with keras.losses.BinaryCrossentropy(from_logits=False) for a sigmoid output.",
        )
    kind = _output_kind(data)
    if kind == "probabilities" and data["from_logits"]:
        return failure(
            "from_logits=False, because the output is a sigmoid probability",
            f"the discriminator outputs probabilities (activation {data['last_activation']!r}, "
            f"scores in [{data['min']:.3f}, {data['max']:.3f}]) but the loss uses from_logits=True",
            "the loss would apply a second sigmoid. Use BinaryCrossentropy(from_logits=False), "
            "or drop the sigmoid and keep from_logits=True.",
        )
    if kind == "logits" and not data["from_logits"]:
        return failure(
            "from_logits=True, because the output has no sigmoid",
            f"the discriminator outputs logits (scores in [{data['min']:.3f}, {data['max']:.3f}]) "
            "but the loss uses from_logits=False",
            "add activation='sigmoid' to the last Dense layer, or compile with BinaryCrossentropy(from_logits=True).",
        )
    return None


def verify_discriminator_grayscale(data):
    """Check that the discriminator runs on 28x28x1 images and scores each; the visible checks test the rest."""
    return verify_discriminator_shape(data)


MAKE_GENERATOR = Exercise(
    id="02_generator.make_generator",
    probe_module="gan_lab.checks.probes.models",
    checks=(
        Check("make_generator output shape", 1, "probe_make_generator", verify_generator_shapes,
              "Noise (batch, latent_dim) becomes images (batch, *image_shape) for latent_dim 16 with "
              "32x32x3 images and latent_dim 100 with 28x28x1 images."),
        Check("make_generator output range", 1, "probe_make_generator", verify_generator_range,
              "The images lie in [-1, 1], negative values included (tanh)."),
        Check("make_generator works for 16x16x3", 1, "probe_make_generator_other_size", verify_generator_other_size,
              "16x16x3 images from latent_dim 64 come out in the right shape too.", hidden=True),
    ),
)

MAKE_DISCRIMINATOR = Exercise(
    id="03_discriminator.make_discriminator",
    probe_module="gan_lab.checks.probes.models",
    checks=(
        Check("make_discriminator output", 1, "probe_make_discriminator", verify_discriminator_output,
              "Images (batch, 32, 32, 3) become one score each, shape (batch, 1)."),
        Check("make_discriminator is compiled", 1, "probe_make_discriminator", verify_discriminator_compiled,
              "The discriminator is compiled with its own optimizer and binary cross-entropy."),
        Check("make_discriminator loss matches output", 1, "probe_make_discriminator", verify_loss_matches_output,
              "The loss's from_logits setting agrees with the output layer."),
        Check("make_discriminator returns a trainable discriminator", 0.5, "probe_make_discriminator",
              verify_discriminator_trainable, "The discriminator has trainable variables, so its own "
              "train_on_batch updates it."),
        Check("make_discriminator works for 28x28x1", 0.5, "probe_make_discriminator_grayscale",
              verify_discriminator_grayscale, "Grayscale 28x28x1 images give one score each too.", hidden=True),
    ),
)
