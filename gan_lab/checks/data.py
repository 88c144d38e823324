"""Checks of lesson 01_data: ``scale_images`` maps uint8 [0, 255] to float32 [-1, 1]."""

from gan_lab.checks.base import Check, Exercise, failure

TOLERANCE = 1e-5


def verify_shape_and_dtype(data):
    shape, dtype = data["output_shape"], data["output_dtype"]
    if not data["is_numpy"]:
        return failure(
            "a NumPy array (numpy.ndarray)", f"a {data['output_type']}",
            "return a NumPy array (call .numpy() or use NumPy operations): the next cells index "
            "and plot the result as a NumPy array.",
        )
    if shape != data["input_shape"]:
        return failure(
            f"an array of shape {tuple(data['input_shape'])}, the same as the input",
            f"shape {tuple(shape)} ({data['output_type']})",
            "scale every pixel in place of reshaping or reducing: (images / 127.5) - 1 keeps the shape.",
        )
    if dtype != "float32":
        return failure(
            "dtype float32", f"dtype {dtype}",
            f"the result is {dtype} because NumPy promotes uint8 divided by a Python float to float64; "
            "convert to float32 with astype('float32'), e.g. images.astype('float32') / 127.5 - 1."
            if dtype == "float64" else
            "convert first, e.g. images.astype('float32') / 127.5 - 1, so the values are not rounded to integers.",
        )
    return None


def verify_values(data):
    if "max_error" not in data:
        return failure(
            f"a numeric array of shape {tuple(data['input_shape'])}",
            f"shape {tuple(data['output_shape'])}, dtype {data['output_dtype']}",
            "return the scaled images as a NumPy array with the input's shape.",
        )
    if data["max_error"] <= TOLERANCE:
        return None
    marks = data["landmarks"]
    found = f"0 -> {marks['0']:.4f}, 128 -> {marks['128']:.4f}, 255 -> {marks['255']:.4f}; values in [{data['min']:.4f}, {data['max']:.4f}]"
    hint = "map linearly with images / 127.5 - 1, so that 0 becomes -1 and 255 becomes 1."
    if abs(marks["0"]) <= TOLERANCE and abs(marks["255"] - 1) <= TOLERANCE:
        hint = "your values lie in [0, 1] (images / 255). Stretch them to [-1, 1]: images / 127.5 - 1."
    elif abs(marks["0"] + 1) <= TOLERANCE and abs(marks["255"] - 1) > TOLERANCE:
        hint = "0 is right but 255 is not: divide by 127.5, not by 255 or 128."
    return failure("0 -> -1.0000, 128 -> 0.0039, 255 -> 1.0000 (linear, float32)", found, hint)


def verify_input_unchanged(data):
    """Pass only a function that returned new, correctly scaled data and left its input as it was.

    The condition on the output keeps a do-nothing function (``return images``) from earning
    the point: its input is unchanged too.
    """
    if data["input_changed"]:
        return failure(
            "the input array left as it was",
            "the input array was modified in place",
            "compute a new array (images.astype('float32') / 127.5 - 1) instead of writing into images.",
        )
    if data.get("max_error", float("inf")) > TOLERANCE:
        return failure(
            "a new array of scaled images, with the input left as it was",
            "the input was left as it was, but the output is not the scaled images",
            "this check counts only once scale_images returns images / 127.5 - 1 as float32: "
            "fix the checks above first.",
        )
    return None


def verify_grayscale(data):
    return verify_shape_and_dtype(data) or verify_values(data)


SCALE_IMAGES = Exercise(
    id="01_data.scale_images",
    probe_module="gan_lab.checks.probes.data",
    checks=(
        Check("scale_images keeps shape, returns float32", 1, "probe_scale_images", verify_shape_and_dtype,
              "The output has the input's shape and dtype float32."),
        Check("scale_images maps [0, 255] to [-1, 1]", 2, "probe_scale_images", verify_values,
              "0 maps to -1, 255 to 1, and everything in between linearly."),
        Check("scale_images leaves its input unchanged", 1, "probe_scale_images", verify_input_unchanged,
              "The input array is left as it was."),
        Check("scale_images works on 28x28x1 images", 1, "probe_scale_images_grayscale", verify_grayscale,
              "Grayscale 28x28x1 images are scaled correctly too.", hidden=True),
    ),
)
