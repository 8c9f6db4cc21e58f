"""Reconstruction and content losses of the image-to-image models: pure functions on tensors."""

from keras import ops


def l1_loss(targets, predictions):
    """Mean absolute error ``E[|y - G(x)|]``.

    Pix2Pix's L1 term (Isola et al. 2017, eq. 3), CycleGAN's cycle-consistency
    ``E[|F(G(x)) - x|]`` and identity ``E[|G(y) - y|]`` losses (Zhu et al.
    2017, eq. 2 and section 5.2).

    Args:
        targets: the images to reach, any shape.
        predictions: images of the same shape.

    Returns:
        Scalar: the mean over every element.
    """
    return ops.mean(ops.abs(ops.convert_to_tensor(targets) - ops.convert_to_tensor(predictions)))


def mse_loss(targets, predictions):
    """Mean squared error ``E[(y - G(x))^2]``.

    SRGAN's pixel-wise content loss (Ledig et al. 2017, eq. 4, the mean over
    the ``r W x r H`` pixels) and DiscoGAN's reconstruction distance (Kim et
    al. 2017, section 3.2, "distance function d ... such as MSE").

    Args:
        targets: the images (or features) to reach, any shape.
        predictions: the same shape.

    Returns:
        Scalar: the mean over every element.
    """
    return ops.mean(ops.square(ops.convert_to_tensor(targets) - ops.convert_to_tensor(predictions)))


DISTANCES = {"l1": l1_loss, "mse": mse_loss}


def get_distance(name):
    """The image distance ``(targets, predictions) -> scalar`` called ``name`` (``"l1"`` or ``"mse"``).

    Raises:
        ValueError: for any other name; the message lists the valid ones.
    """
    if name not in DISTANCES:
        raise ValueError(f"Unknown distance {name!r}; valid distances are: {', '.join(DISTANCES)}.")
    return DISTANCES[name]
