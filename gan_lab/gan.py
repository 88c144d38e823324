"""The combined GAN model, labels, losses and optimizers, made correct for Keras 3.

The original Keras 2 recipe compiled the discriminator, set ``discriminator.trainable =
False`` and compiled the combined model. Keras 2 read the flag at compile time, so the
discriminator kept learning in its own ``train_on_batch``. Keras 3 reads the flag when it
traces a model's training function, at the first ``train_on_batch`` after ``compile``. A
discriminator frozen once is then frozen in its own step too, and Keras warns that the
model does not have any trainable weights.

``CombinedGAN`` freezes the discriminator without the flag: its training step computes
gradients for the generator's weights only and runs the discriminator in inference mode.
The discriminator stays trainable for its own step, whatever order the steps run in.
"""

import keras
import tensorflow as tf

from gan_lab.models import outputs_logits

REAL_LABEL = 1.0
FAKE_LABEL = 0.0

# Radford et al. (2016): beta_1 = 0.9 made DCGAN training oscillate, 0.5 steadied it.
LEARNING_RATE = 2e-4
BETA_1 = 0.5


def make_optimizer(learning_rate=LEARNING_RATE, beta_1=BETA_1):
    """Return a new Adam optimizer with the DCGAN settings."""
    return keras.optimizers.Adam(learning_rate=learning_rate, beta_1=beta_1)


def gan_loss(from_logits):
    """Return the binary cross-entropy that matches a discriminator's output."""
    return keras.losses.BinaryCrossentropy(from_logits=from_logits)


class LabelAccuracy(keras.metrics.Metric):
    """Share of the samples with one target label that the discriminator classifies correctly.

    ``real_accuracy`` counts only the real images of a batch and ``fake_accuracy`` only the
    fake ones, so one ``train_on_batch`` on a mixed batch reports both.
    """

    def __init__(self, label, from_logits=False, name=None, **kwargs):
        super().__init__(name=name or ("real_accuracy" if label == REAL_LABEL else "fake_accuracy"), **kwargs)
        self.label = float(label)
        self.from_logits = bool(from_logits)
        self.correct = self.add_variable(shape=(), initializer="zeros", name="correct")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = tf.reshape(tf.cast(y_true, "float32"), [-1])
        y_pred = tf.reshape(tf.cast(y_pred, "float32"), [-1])
        threshold = 0.0 if self.from_logits else 0.5
        predicted_real = y_pred > threshold
        selected = tf.equal(y_true, self.label)
        correct = tf.equal(predicted_real, self.label == REAL_LABEL)
        self.correct.assign_add(tf.reduce_sum(tf.cast(selected & correct, "float32")))
        self.count.assign_add(tf.reduce_sum(tf.cast(selected, "float32")))

    def result(self):
        return tf.math.divide_no_nan(self.correct, self.count)

    def get_config(self):
        return {**super().get_config(), "label": self.label, "from_logits": self.from_logits}


def compile_discriminator(discriminator, optimizer=None, *, learning_rate=LEARNING_RATE):
    """Compile the discriminator for its own step, with a loss that matches its output.

    The discriminator gets its own Adam optimizer (``d_optimizer``) unless one is given,
    and reports ``real_accuracy`` and ``fake_accuracy`` alongside the loss.
    """
    from_logits = outputs_logits(discriminator)
    discriminator.compile(
        optimizer=optimizer or make_optimizer(learning_rate),
        loss=gan_loss(from_logits),
        metrics=[LabelAccuracy(REAL_LABEL, from_logits), LabelAccuracy(FAKE_LABEL, from_logits)],
    )
    return discriminator


class CombinedGAN(keras.Model):
    """Generator followed by a frozen discriminator, trained with "real" targets.

    ``train_on_batch(noise, real_labels)`` updates the generator only: gradients are taken
    for ``generator.trainable_variables`` and the discriminator runs with
    ``training=False``, so its weights and its BatchNormalization statistics stay as they
    are. The discriminator's own ``trainable`` flag is never touched.

    Input: float32 noise ``(batch, latent_dim)``. Output: the discriminator's scores
    ``(batch, 1)`` for the generated images.
    """

    def __init__(self, generator, discriminator, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.g_loss_tracker = keras.metrics.Mean(name="loss")

    def call(self, noise, training=False):
        fake_images = self.generator(noise, training=training)
        return self.discriminator(fake_images, training=False)

    def train_step(self, data):
        noise, labels, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            scores = self(noise, training=True)
            g_loss = self.compute_loss(x=noise, y=labels, y_pred=scores, sample_weight=sample_weight)
        weights = self.generator.trainable_variables
        self.optimizer.apply(tape.gradient(g_loss, weights), weights)
        self.g_loss_tracker.update_state(g_loss)
        return {"loss": self.g_loss_tracker.result()}

    @property
    def metrics(self):
        return [self.g_loss_tracker]


def check_separate_optimizers(discriminator, gan):
    """Raise ValueError if the discriminator and the combined model share an optimizer."""
    if discriminator.optimizer is not None and discriminator.optimizer is gan.optimizer:
        raise ValueError(
            "The discriminator and the combined model share one optimizer. Each network needs "
            "its own, because Adam keeps per-weight state: compile them with two separate "
            "keras.optimizers.Adam(...) instances."
        )


def check_loss_matches_output(discriminator):
    """Raise ValueError if the discriminator's compiled loss disagrees with its output."""
    loss = getattr(discriminator, "loss", None)
    loss_from_logits = getattr(loss, "from_logits", None)
    if loss_from_logits is None:
        return
    if loss_from_logits != outputs_logits(discriminator):
        found = "logits" if outputs_logits(discriminator) else "probabilities (sigmoid)"
        raise ValueError(
            f"The discriminator outputs {found} but its loss was compiled with "
            f"from_logits={loss_from_logits}. Use BinaryCrossentropy(from_logits="
            f"{not loss_from_logits}) or gan_lab.compile_discriminator(discriminator)."
        )


def build_gan(generator, discriminator, optimizer=None, *, learning_rate=LEARNING_RATE):
    """Return the compiled combined model that trains the generator through the discriminator.

    Compiles the discriminator first if it is not compiled yet. The combined model gets its
    own optimizer (``g_optimizer``), a new Adam unless one is given, and the same loss as the
    discriminator.
    """
    if getattr(discriminator, "optimizer", None) is None:
        compile_discriminator(discriminator, learning_rate=learning_rate)
    check_loss_matches_output(discriminator)

    gan = CombinedGAN(generator, discriminator, name="gan")
    gan.compile(optimizer=optimizer or make_optimizer(learning_rate), loss=gan_loss(outputs_logits(discriminator)))
    check_separate_optimizers(discriminator, gan)
    gan.build(generator.input_shape)
    return gan
