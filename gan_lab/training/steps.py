"""One training step, two ways: the classic ``train_on_batch`` loop and a compiled step.

Both minimise the same losses on the same noise:

- ``d_loss``: binary cross-entropy of the discriminator on a batch of ``real_images``
  labelled ``REAL_LABEL`` followed by as many ``fake_images`` labelled ``FAKE_LABEL``,
  averaged over the whole batch, i.e. ``(loss_real + loss_fake) / 2``.
- ``g_loss``: binary cross-entropy of the discriminator's scores for new fake images
  against ``REAL_LABEL``. Minimising it pushes the generator towards images the
  discriminator calls real (the "non-saturating" loss of Goodfellow et al., 2014).
"""

import numpy as np
import tensorflow as tf

from gan_lab.gan import FAKE_LABEL, REAL_LABEL, gan_loss
from gan_lab.models import outputs_logits

METRIC_NAMES = ("d_loss", "g_loss", "real_accuracy", "fake_accuracy")


def step_noise(seed, step, batch_size, latent_dim):
    """Return the noise of one step: ``(d_noise, g_noise)``, each float32 ``(batch, latent_dim)``.

    The noise depends only on ``seed`` and the global ``step``, so a resumed run draws
    exactly what an unbroken run would have drawn.
    """
    step = tf.cast(step, tf.int64)
    seed = tf.cast(seed, tf.int64)
    shape = tf.stack([tf.cast(batch_size, tf.int32), latent_dim])
    d_noise = tf.random.stateless_normal(shape, seed=tf.stack([seed, 2 * step]))
    g_noise = tf.random.stateless_normal(shape, seed=tf.stack([seed, 2 * step + 1]))
    return d_noise, g_noise


def discriminator_targets(batch_size):
    """Return float32 ``(2 * batch_size, 1)`` labels: real for the first half, fake for the rest."""
    return np.concatenate(
        [np.full((batch_size, 1), REAL_LABEL, "float32"), np.full((batch_size, 1), FAKE_LABEL, "float32")]
    )


class ClassicStep:
    """The original notebook's step: ``train_on_batch`` on the discriminator, then on the GAN."""

    def __init__(self, generator, discriminator, gan, seed):
        self.generator = generator
        self.discriminator = discriminator
        self.gan = gan
        self.seed = seed
        self.latent_dim = generator.input_shape[-1]
        # The generator runs in training mode, as in the generator's own step, so that its
        # BatchNormalization uses batch statistics whichever step the images are drawn for.
        self._generate = tf.function(lambda noise: generator(noise, training=True))

    def __call__(self, real_images, step):
        batch_size = len(real_images)
        d_noise, g_noise = step_noise(self.seed, step, batch_size, self.latent_dim)

        # The discriminator learns from one mixed batch, the same batch the compiled step uses.
        fake_images = self._generate(d_noise)
        mixed = tf.concat([tf.convert_to_tensor(real_images), fake_images], axis=0)
        d_logs = self.discriminator.train_on_batch(mixed, discriminator_targets(batch_size), return_dict=True)

        # The generator learns through the combined model, with fake images labelled real.
        real_targets = np.full((batch_size, 1), REAL_LABEL, "float32")
        g_logs = self.gan.train_on_batch(g_noise, real_targets, return_dict=True)
        return {
            "d_loss": d_logs["loss"],
            "g_loss": g_logs["loss"],
            "real_accuracy": d_logs["real_accuracy"],
            "fake_accuracy": d_logs["fake_accuracy"],
        }


class CompiledStep:
    """Both networks' updates in one ``tf.function`` with two gradient tapes."""

    def __init__(self, generator, discriminator, d_optimizer, g_optimizer, seed, jit_compile=False):
        self.generator = generator
        self.discriminator = discriminator
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.seed = seed
        self.latent_dim = generator.input_shape[-1]
        self.from_logits = outputs_logits(discriminator)
        self.loss_fn = gan_loss(self.from_logits)
        self._step = tf.function(self._train_step, jit_compile=jit_compile)

    def __call__(self, real_images, step):
        logs = self._step(tf.convert_to_tensor(real_images), tf.constant(step, tf.int64))
        return {name: float(value) for name, value in logs.items()}

    def _train_step(self, real_images, step):
        d_noise, g_noise = step_noise(self.seed, step, tf.shape(real_images)[0], self.latent_dim)
        return self.train_step(real_images, d_noise, g_noise)

    def train_step(self, real_images, d_noise, g_noise):
        """Update the discriminator, then the generator; return the step's four metrics.

        Inside a replica of a ``tf.distribute`` strategy with N replicas, the Keras loss
        divides the losses by N (``keras.losses.Loss.__call__`` in Keras 3). The optimizers
        sum the replicas' gradients, so the sum is the gradient of the mean loss over the
        global batch, and the replicas' returned losses sum to that mean.
        """
        d_logs = self.discriminator_step(real_images, d_noise)
        g_loss = self.generator_step(g_noise)
        return {"d_loss": d_logs["d_loss"], "g_loss": g_loss,
                "real_accuracy": d_logs["real_accuracy"], "fake_accuracy": d_logs["fake_accuracy"]}

    def discriminator_step(self, real_images, d_noise):
        """Update the discriminator only, on real images and images drawn from ``d_noise``.

        ``real_images``: float32 ``(batch, height, width, channels)`` in the generator's range.
        """
        batch_size = tf.shape(real_images)[0]
        targets = tf.concat([tf.fill([batch_size, 1], REAL_LABEL), tf.fill([batch_size, 1], FAKE_LABEL)], axis=0)

        # The fake images are drawn outside the tape: this step must not reach the generator.
        # The cast matters under mixed precision, where the generator returns float16.
        fake_images = tf.cast(self.generator(d_noise, training=True), real_images.dtype)
        with tf.GradientTape() as tape:
            scores = self.discriminator(tf.concat([real_images, fake_images], axis=0), training=True)
            d_loss = self.loss_fn(targets, scores)
            # scale_loss is the identity except for a LossScaleOptimizer (mixed precision).
            scaled_loss = self.d_optimizer.scale_loss(d_loss)
        weights = self.discriminator.trainable_variables
        self.d_optimizer.apply(tape.gradient(scaled_loss, weights), weights)

        threshold = 0.0 if self.from_logits else 0.5
        real_scores, fake_scores = tf.split(tf.cast(scores, "float32"), 2, axis=0)
        return {
            "d_loss": d_loss,
            "real_accuracy": tf.reduce_mean(tf.cast(real_scores > threshold, "float32")),
            "fake_accuracy": tf.reduce_mean(tf.cast(fake_scores <= threshold, "float32")),
        }

    def generator_step(self, g_noise):
        """Update the generator only and return ``g_loss``.

        New fake images are scored by the just-updated discriminator in inference mode,
        exactly as the frozen discriminator inside ``CombinedGAN`` scores them.
        """
        real_targets = tf.fill([tf.shape(g_noise)[0], 1], REAL_LABEL)
        with tf.GradientTape() as tape:
            scores = self.discriminator(self.generator(g_noise, training=True), training=False)
            g_loss = self.loss_fn(real_targets, scores)
            scaled_loss = self.g_optimizer.scale_loss(g_loss)
        weights = self.generator.trainable_variables
        self.g_optimizer.apply(tape.gradient(scaled_loss, weights), weights)
        return g_loss
