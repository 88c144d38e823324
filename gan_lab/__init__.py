"""gan_lab: building blocks for learning generative adversarial networks with Keras 3.

Vocabulary used across the package, the lessons and the command line:

- ``latent_dim``: length of the noise vector fed to the generator.
- ``real_images``: a batch from the data set, float32 ``(batch, height, width, channels)``
  in the data's value range, [-1, 1] unless stated otherwise.
- ``fake_images``: a batch drawn by the generator, same shape and range as ``real_images``.
- ``REAL_LABEL`` (1.0) and ``FAKE_LABEL`` (0.0): the discriminator's targets. Real is 1
  everywhere, including the generator's step, where fake images are labelled real.
- ``d_loss`` and ``g_loss``: the discriminator's and the generator's binary cross-entropy.
- ``real_accuracy`` and ``fake_accuracy``: the share of real and of fake images that the
  discriminator classifies correctly.
- ``d_optimizer`` and ``g_optimizer``: the two networks' separate optimizers.
- ``fixed_noise``: latent vectors drawn once per run, so sample grids of different epochs
  show the same points of the latent space.
"""

from gan_lab._versions import check_versions

check_versions()

from gan_lab._quiet import import_tensorflow  # noqa: E402

import_tensorflow()

__version__ = "0.1.0"

from gan_lab.data import (  # noqa: E402
    DataError,
    ImageSet,
    default_data_source,
    load_dataset,
    load_images,
    scale_images,
    to_display,
)
from gan_lab.gan import (  # noqa: E402
    FAKE_LABEL,
    REAL_LABEL,
    CombinedGAN,
    build_gan,
    compile_discriminator,
    make_optimizer,
)
from gan_lab.models import build_discriminator, build_generator  # noqa: E402
from gan_lab.training import History, TrainingDiverged, train  # noqa: E402
