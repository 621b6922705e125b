"""Why did the model say that? Grad-CAM heat maps for any class, and the feature maps of any
convolution layer, for a run's own trained model."""

from pathlib import Path

import numpy as np
from PIL import Image

from ..data.images import decode
from ..models.pipeline import to_model_input
from . import inference


def conv_layer_names(model):
    return [layer.name for layer in model.layers
            if type(layer).__name__ in ("Conv2D", "SeparableConv2D")]


def checked_layer(model, layer_name, default_index, any_layer=False):
    """The layer to use (default: conv_layer_names[default_index]): a convolution layer, or with
    any_layer any layer of the model; an unknown name is refused with the choices."""
    names = conv_layer_names(model)
    if not names:
        raise ValueError("this model has no convolution layer to explain")
    if layer_name is None:
        return names[default_index]
    names = [layer.name for layer in model.layers] if any_layer else names
    if layer_name not in names:
        raise ValueError(f"unknown layer {str(layer_name)[:60]!r}; choose from {', '.join(names)}")
    return layer_name


def checked_class(class_name, class_names):
    if class_name is not None and class_name not in class_names:
        raise ValueError(f"unknown class {str(class_name)[:60]!r}; choose from {', '.join(class_names)}")
    return class_name


def _logits_model(model, layer_name):
    """Run a Sequential model layer by layer, returning the chosen layer's maps and the class
    scores before the output activation (softmax saturates, and the report's Model 2 ends in ReLU,
    so gradients of the outputs can vanish). Layer by layer keeps the maps on the gradient tape."""
    import keras

    name = checked_layer(model, layer_name, -1)
    cut = [layer.name for layer in model.layers].index(name)
    head = model.layers[-1]
    if not isinstance(model, keras.Sequential):  # branches (sky_net_colour): one graph, two outputs
        inner = keras.Model(model.inputs, [model.get_layer(name).output, head.input])

        def run_graph(x):
            maps, features = inner(x, training=False)
            return maps, keras.ops.matmul(features, head.kernel) + head.bias

        return run_graph, name

    def run(x):
        for layer in model.layers[: cut + 1]:
            x = layer(x, training=False)
        maps = x
        for layer in model.layers[cut + 1: -1]:
            x = layer(x, training=False)
        return maps, keras.ops.matmul(x, head.kernel) + head.bias

    return run, name


def grad_cam(model, image_uint8, class_index=None, layer_name=None):
    """A (H, W) map in 0..1 of where evidence for the class lies; also returns the class used."""
    import tensorflow as tf

    run, _ = _logits_model(model, layer_name)
    x = tf.convert_to_tensor(to_model_input(image_uint8[None]))
    with inference.MODEL_LOCK, tf.GradientTape() as tape:
        maps, logits = run(x)
        if class_index is None:
            class_index = int(tf.argmax(logits[0]))
        score = logits[:, class_index]
        grads = tape.gradient(score, maps)
    weights = tf.reduce_mean(grads, axis=(1, 2), keepdims=True)
    cam = tf.nn.relu(tf.reduce_sum(weights * maps, axis=-1))[0].numpy()
    cam = cam / cam.max() if cam.max() > 0 else cam
    size = image_uint8.shape[1], image_uint8.shape[0]
    cam = np.asarray(Image.fromarray((cam * 255).astype(np.uint8)).resize(size, Image.BILINEAR))
    return cam.astype(np.float32) / 255.0, class_index


# Viridis at nine evenly spaced stops: perceptually uniform, readable in grey and by the
# colour-blind, unlike a jet ramp whose bright yellow band reads as a peak that is not there.
VIRIDIS = np.array([[68, 1, 84], [71, 44, 122], [59, 82, 139], [44, 113, 142], [33, 145, 140],
                    [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37]], np.float32)


def colormap(values):
    """The viridis ramp (dark purple -> teal -> yellow) for values in 0..1, as uint8 RGB."""
    position = np.clip(values, 0, 1) * (len(VIRIDIS) - 1)
    low = np.minimum(position.astype(int), len(VIRIDIS) - 2)
    part = (position - low)[..., None]
    return np.rint(VIRIDIS[low] * (1 - part) + VIRIDIS[low + 1] * part).astype(np.uint8)


def overlay(image_uint8, cam, alpha=0.45):
    heat = colormap(cam).astype(np.float32)
    return (image_uint8.astype(np.float32) * (1 - alpha) + heat * alpha).astype(np.uint8)


def explain_file(run_dir, source, class_name=None, layer_name=None, display_size=None):
    """Grad-CAM for one photo: the photo, the heat map, the overlay, the class explained and the
    probabilities. The map is computed at the model's size and drawn at `display_size`."""
    model = inference.load_model(run_dir)
    class_names, size = inference.run_classes(run_dir)
    image = decode(source, size)
    index = class_names.index(class_name) if checked_class(class_name, class_names) else None
    cam, index = grad_cam(model, image, index, layer_name)
    with inference.MODEL_LOCK:
        probabilities = np.asarray(model(to_model_input(image[None]), training=False))[0]
    if display_size:
        image = decode(source, display_size)
        cam = np.asarray(Image.fromarray((cam * 255).astype(np.uint8))
                         .resize((display_size, display_size), Image.BILINEAR)) / 255.0
    return {"image": image, "cam": cam, "overlay": overlay(image, cam),
            "class": class_names[index],
            "probabilities": {c: float(p) for c, p in zip(class_names, probabilities)}}


def feature_maps(run_dir, source, layer_name=None, limit=16):
    """The first `limit` channels of a layer's output, each scaled to 0..255, and the layer name."""
    result = layer_maps(run_dir, source, layer_name, limit)
    return result["maps"], result["layer"]


# A map whose peak stays under 1 % of the layer's strongest is silent: next to the others it is
# black, whether it is exactly 0 (a ReLU fed only negative values) or nearly so.
SILENT_SHARE = 0.01


def layer_maps(run_dir, source, layer_name=None, limit=16):
    """{"maps": the first `limit` channels of a layer's output (one with width and height), each
    scaled to 0..255, a silent one black; "layer": its name; "silent": per channel, True when its
    peak is under SILENT_SHARE of the layer's strongest channel's peak}."""
    import keras

    model = inference.load_model(run_dir)
    _, size = inference.run_classes(run_dir)
    name = checked_layer(model, layer_name, 0, any_layer=True)
    maps = to_model_input(decode(source, size)[None])
    with inference.MODEL_LOCK:
        if isinstance(model, keras.Sequential):
            for layer in model.layers:
                maps = layer(maps, training=False)
                if layer.name == name:
                    break
        else:  # branches: the layer's output as a graph of its own
            maps = keras.Model(model.inputs, model.get_layer(name).output)(maps, training=False)
    maps = np.asarray(maps, dtype="float32")[0]
    if maps.ndim != 3:
        raise ValueError(f"layer {name} has no feature maps (its output is flat: {maps.shape})")
    peaks = np.abs(maps).max(axis=(0, 1))  # each channel's peak, over every channel of the layer
    layer_peak = float(peaks.max(initial=0.0))
    silent = [bool(peak <= SILENT_SHARE * layer_peak) for peak in peaks[:limit]]
    maps = maps[..., :limit]
    low = maps.min(axis=(0, 1), keepdims=True)
    span = np.maximum(maps.max(axis=(0, 1), keepdims=True) - low, 1e-8)
    scaled = ((maps - low) / span * 255).astype(np.uint8).transpose(2, 0, 1)
    scaled[np.asarray(silent, bool)] = 0  # shown black, as the text says
    return {"maps": scaled, "layer": name, "silent": silent}


def check_out_file(out_path) -> None:
    """Refuse an --out that is a folder or has no image extension, before any work is done."""
    out_path = Path(out_path)
    if out_path.is_dir():
        raise ValueError(f"--out {out_path.name or out_path} is a folder; give a file name such as "
                         f"{(out_path / 'explained.png').as_posix()}")
    known = Image.registered_extensions()
    if out_path.suffix.lower() not in known:
        raise ValueError(f"--out {out_path.name} needs an image file extension such as .png or .jpg")
    if not out_path.parent.is_dir():
        raise ValueError(f"--out: the folder {out_path.parent} does not exist")


def write_overlay(run_dir, source, out_path, class_name=None, layer_name=None, display_size=320):
    """The CLI's `explain`: photo and Grad-CAM overlay side by side, as a PNG."""
    check_out_file(out_path)
    result = explain_file(run_dir, source, class_name, layer_name, display_size)
    Image.fromarray(np.concatenate([result["image"], result["overlay"]], axis=1)).save(out_path)
    return {key: result[key] for key in ("class", "probabilities")} | {"out": str(out_path)}
