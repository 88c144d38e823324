"""Reference solutions of the lesson exercises, and the mistakes learners make, as plain functions.

The tests run the checks on these in-process, and write them into notebook cells (with
``inspect.getsource``) to grade them in real kernels.
"""

import keras
import numpy as np

from gan_lab.gan import FAKE_LABEL, REAL_LABEL, CombinedGAN, make_optimizer


def scale_images(images):
    return images.astype("float32") / 127.5 - 1.0


def make_generator(latent_dim, image_shape):
    height, width, channels = image_shape
    return keras.Sequential([
        keras.Input((latent_dim,)),
        keras.layers.Dense(64),
        keras.layers.LeakyReLU(0.2),
        keras.layers.Dense(height * width * channels, activation="tanh"),
        keras.layers.Reshape(image_shape),
    ])


def make_discriminator(image_shape):
    discriminator = keras.Sequential([
        keras.Input(image_shape),
        keras.layers.Flatten(),
        keras.layers.Dense(64),
        keras.layers.LeakyReLU(0.2),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    discriminator.compile(optimizer=make_optimizer(), loss=keras.losses.BinaryCrossentropy())
    return discriminator


def discriminator_step(discriminator, real_images, fake_images):
    images = np.concatenate([real_images, fake_images])
    labels = np.concatenate([
        np.full((len(real_images), 1), REAL_LABEL, "float32"),
        np.full((len(fake_images), 1), FAKE_LABEL, "float32"),
    ])
    logs = discriminator.train_on_batch(images, labels, return_dict=True)
    return float(logs["loss"])


def make_gan(generator, discriminator):
    gan = CombinedGAN(generator, discriminator)
    gan.compile(optimizer=make_optimizer(), loss=keras.losses.BinaryCrossentropy())
    return gan


def train_step(generator, discriminator, gan, real_images, latent_dim):
    batch_size = len(real_images)
    noise = np.random.normal(size=(batch_size, latent_dim)).astype("float32")
    fake_images = generator(noise, training=False)
    d_loss = discriminator_step(discriminator, real_images, np.asarray(fake_images))

    noise = np.random.normal(size=(batch_size, latent_dim)).astype("float32")
    g_loss = gan.train_on_batch(noise, np.full((batch_size, 1), REAL_LABEL, "float32"))
    return d_loss, float(g_loss)


# Mistakes. Each keeps the exercise's name when written into a notebook.

def scale_images_unit_range(images):
    return images.astype("float32") / 255.0


def scale_images_flattened(images):
    return (images.astype("float32") / 127.5 - 1.0).reshape(len(images), -1)


def scale_images_identity(images):
    return images


def make_generator_sigmoid(latent_dim, image_shape):
    height, width, channels = image_shape
    return keras.Sequential([
        keras.Input((latent_dim,)),
        keras.layers.Dense(64),
        keras.layers.LeakyReLU(0.2),
        keras.layers.Dense(height * width * channels, activation="sigmoid"),
        keras.layers.Reshape(image_shape),
    ])


def make_gan_not_frozen(generator, discriminator):
    gan = keras.Sequential([generator, discriminator])
    gan.compile(optimizer=make_optimizer(), loss="binary_crossentropy")
    return gan


def make_gan_frozen_too_early(generator, discriminator):
    discriminator.trainable = False
    gan = keras.Sequential([generator, discriminator])
    gan.compile(optimizer=make_optimizer(), loss="binary_crossentropy")
    return gan


def make_discriminator_frozen(image_shape):
    discriminator = make_discriminator(image_shape)
    discriminator.trainable = False
    return discriminator


def make_gan_shared_optimizer(generator, discriminator):
    gan = CombinedGAN(generator, discriminator)
    gan.compile(optimizer=discriminator.optimizer, loss=keras.losses.BinaryCrossentropy())
    return gan


def discriminator_step_swapped(discriminator, real_images, fake_images):
    images = np.concatenate([real_images, fake_images])
    labels = np.concatenate([np.zeros((len(real_images), 1)), np.ones((len(fake_images), 1))])
    return float(discriminator.train_on_batch(images, labels))


def make_discriminator_logits_mismatch(image_shape):
    discriminator = keras.Sequential([
        keras.Input(image_shape), keras.layers.Flatten(), keras.layers.Dense(1, activation="sigmoid"),
    ])
    discriminator.compile(optimizer=make_optimizer(), loss=keras.losses.BinaryCrossentropy(from_logits=True))
    return discriminator
