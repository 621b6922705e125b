"""The report's three CNNs as a registry of small builder functions, and their layer tables.

At 250x250x3 each builder reproduces the report's summary table exactly (the report's text says
256, but its tables only add up at 250)."""

import re
from dataclasses import dataclass

from ..runs.training_settings import value_range
from . import report

DEFAULT_IMAGE_SIZE = report.IMAGE_SIZE


def _keras():
    import keras  # deferred: keeps `import weather_core.models` cheap for pages

    return keras


def _output(num_classes, activation):
    # float32 even under mixed precision: probabilities (and the loss) stay exact.
    return _keras().layers.Dense(num_classes, activation=activation, dtype="float32")


def model_1(image_size=DEFAULT_IMAGE_SIZE, num_classes=4):
    """Model 1: three convolutions and one hidden dense layer (14.8 M parameters, most in Dense)."""
    keras = _keras()
    layers = keras.layers
    return keras.Sequential([
        keras.Input((image_size, image_size, 3)),
        layers.Conv2D(32, 5, activation="relu", padding="same"),
        layers.MaxPooling2D(),
        layers.Conv2D(64, 3, activation="relu", padding="same"),
        layers.MaxPooling2D(),
        layers.Conv2D(64, 3, activation="relu"),
        layers.Flatten(),
        layers.Dense(64, activation="relu"),
        _output(num_classes, "softmax"),
    ], name="model_1")


def _model_2(image_size, num_classes, output_activation, name):
    keras = _keras()
    layers = keras.layers
    model = keras.Sequential([keras.Input((image_size, image_size, 3))], name=name)
    model.add(layers.Conv2D(32, 5, activation="relu", padding="same"))
    for filters in (64, 128, 256, 512):
        model.add(layers.MaxPooling2D())
        model.add(layers.Conv2D(filters, 3, activation="relu", padding="same"))
    model.add(layers.MaxPooling2D())
    model.add(layers.Conv2D(512, 3, activation="relu"))
    model.add(layers.Flatten())
    for units in (512, 256, 128):
        model.add(layers.Dense(units, activation="relu"))
    model.add(_output(num_classes, output_activation))
    return model


def model_2(image_size=DEFAULT_IMAGE_SIZE, num_classes=4):
    """Model 2, corrected: six convolutions, three dense layers, a softmax output."""
    return _model_2(image_size, num_classes, "softmax", "model_2")


def model_2_report(image_size=DEFAULT_IMAGE_SIZE, num_classes=4):
    """Model 2 exactly as the report wrote it: Dense(4, activation='relu') under a softmax loss.

    ReLU outputs are not probabilities; Keras' categorical cross-entropy then rescales them and
    a unit stuck at 0 can never recover, so training often stalls."""
    return _model_2(image_size, num_classes, "relu", "model_2_report")


def _model_3(image_size, num_classes, bn_momentum, name):
    keras = _keras()
    layers = keras.layers
    model = keras.Sequential([keras.Input((image_size, image_size, 3))], name=name)
    model.add(layers.Conv2D(32, 5, activation="relu", padding="same"))
    model.add(layers.BatchNormalization(momentum=bn_momentum))
    model.add(layers.Activation("relu"))
    model.add(layers.Conv2D(32, 3, activation="relu", padding="same"))
    model.add(layers.BatchNormalization(momentum=bn_momentum))  # the report has no Activation here
    model.add(layers.MaxPooling2D())
    for filters in (64, 128, 256):
        for _ in range(2):
            model.add(layers.Conv2D(filters, 3, activation="relu", padding="same"))
            model.add(layers.BatchNormalization(momentum=bn_momentum))
            model.add(layers.Activation("relu"))
        model.add(layers.MaxPooling2D())
    model.add(layers.GlobalAveragePooling2D())
    model.add(layers.Dense(512, activation="relu"))
    model.add(layers.Dropout(0.5))
    model.add(layers.Dense(128, activation="relu"))
    model.add(layers.Dropout(0.5))
    model.add(_output(num_classes, "softmax"))
    return model


def model_3(image_size=DEFAULT_IMAGE_SIZE, num_classes=4):
    """Model 3: BatchNorm after every convolution, global average pooling, Dropout (1.4 M params).

    BatchNorm momentum 0.9 instead of Keras' 0.99: with ~20-40 steps per epoch the default needs
    ~20 epochs to forget its initial moving variance, so validation scores lag far behind."""
    return _model_3(image_size, num_classes, 0.9, "model_3")


def model_3_report(image_size=DEFAULT_IMAGE_SIZE, num_classes=4):
    """Model 3 with Keras' default BatchNorm momentum (0.99), as the report trained it: its
    validation accuracy jumps around for many epochs while the moving statistics catch up."""
    return _model_3(image_size, num_classes, 0.99, "model_3_report")


def _sky_net_features(layers):
    """sky_net's layers from the photo to its 256 pooled features."""
    stack = [layers.Conv2D(32, 3, strides=2, padding="same", use_bias=False),
             layers.BatchNormalization(momentum=0.9), layers.Activation("relu")]
    for filters, repeats in ((64, 1), (128, 2), (256, 2)):
        for _ in range(repeats):
            stack += [layers.SeparableConv2D(filters, 3, padding="same", use_bias=False),
                      layers.BatchNormalization(momentum=0.9), layers.Activation("relu")]
        stack.append(layers.MaxPooling2D())
    return stack + [layers.GlobalAveragePooling2D()]


def sky_net(image_size=DEFAULT_IMAGE_SIZE, num_classes=4):
    """Not in the report: a small depthwise-separable CNN for CPUs. A strided first convolution
    halves the photo at once, each separable convolution (a 3x3 filter per channel, then a 1x1 mix)
    costs about a ninth of a full one, BatchNorm after each, global average pooling and no hidden
    dense layer: ~0.1 M parameters, a sixth of Model 3's arithmetic at 1.5x the pixels."""
    keras = _keras()
    layers = keras.layers
    return keras.Sequential([keras.Input((image_size, image_size, 3)), *_sky_net_features(layers),
                             layers.Dropout(0.3), _output(num_classes, "softmax")], name="sky_net")


def sky_net_colour(image_size=DEFAULT_IMAGE_SIZE, num_classes=4):
    """sky_net with the photo's colour statistics joined to its head: each channel's mean and mean
    square over the whole photo and over its top third (the sky), 12 numbers that tell a sunrise's
    orange and a clear sky's blue apart whatever the network's filters found."""
    keras = _keras()
    layers = keras.layers
    photo = keras.Input((image_size, image_size, 3))
    features = photo
    for layer in _sky_net_features(layers):
        features = layer(features)
    sky = layers.Cropping2D(((0, image_size - image_size // 3), (0, 0)))(photo)
    moments = [layers.GlobalAveragePooling2D()(x)
               for x in (photo, layers.Multiply()([photo, photo]), sky, layers.Multiply()([sky, sky]))]
    colours = layers.BatchNormalization(momentum=0.9)(layers.Concatenate()(moments))
    joined = layers.Dropout(0.3)(layers.Concatenate()([features, colours]))
    return keras.Model(photo, _output(num_classes, "softmax")(joined), name="sky_net_colour")


@dataclass(frozen=True)
class ModelInfo:
    builder: object
    title: str
    report_total_params: int | None  # None: not one of the report's models
    report_non_trainable_params: int | None
    report_result: str | None
    min_image_size: int = 32


MODELS = {
    "model_1": ModelInfo(model_1, "Model 1: simple CNN", *report.PARAMS["model_1"], report.RESULTS["model_1"]),
    "model_2": ModelInfo(model_2, "Model 2: deeper CNN (softmax output, corrected)", *report.PARAMS["model_2"],
                         report.RESULTS["model_2"], 96),
    "model_2_report": ModelInfo(model_2_report, "Model 2 as the report wrote it (ReLU output)",
                                *report.PARAMS["model_2_report"], report.RESULTS["model_2_report"], 96),
    "model_3": ModelInfo(model_3, "Model 3: BatchNorm + Dropout + global average pooling",
                         *report.PARAMS["model_3"], report.RESULTS["model_3"]),
    "model_3_report": ModelInfo(model_3_report, "Model 3 with Keras' default BatchNorm momentum",
                                *report.PARAMS["model_3_report"], report.RESULTS["model_3_report"]),
    "sky_net": ModelInfo(sky_net, "Sky net: small separable CNN (not in the report)", None, None, None),
    "sky_net_colour": ModelInfo(sky_net_colour, "Sky net with colour statistics (not in the report)",
                                None, None, None),
}


# Earlier names of the report's versions: run folders and lesson links that say `_seed` keep loading.
MODEL_ALIASES = {"model_2_seed": "model_2_report", "model_3_seed": "model_3_report"}


def canonical(name):
    """A model name as registered now (an old alias becomes its new name; anything else unchanged)."""
    return MODEL_ALIASES.get(name, name)


def build(name, image_size=DEFAULT_IMAGE_SIZE, num_classes=4):
    name = canonical(name)
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; choose from {', '.join(MODELS)}")
    smallest, largest = MODELS[name].min_image_size, value_range("image_size")[1]
    if not smallest <= int(image_size) <= largest:
        # Model 2 pools five times, then needs 3x3 pixels for its last (unpadded) convolution.
        raise ValueError(f"{name} needs an image size between {smallest} and {largest} pixels")
    return MODELS[name].builder(int(image_size), num_classes)


def fresh_names(model) -> list[str]:
    """The layer names this model would get in a new process (conv2d, conv2d_1, ...), however
    many models this one built before: Keras numbers automatic names per process. Computed here,
    so that no keras.backend.clear_session() resets the state the server's loaded models use."""
    from keras.src.utils.naming import to_snake_case

    seen, names = {}, []
    for layer in model.layers:
        base = to_snake_case(type(layer).__name__)
        if re.fullmatch(rf"{re.escape(base)}(_\d+)?", layer.name):
            count = seen.get(base, 0)
            seen[base] = count + 1
            names.append(base if count == 0 else f"{base}_{count}")
        else:
            names.append(layer.name)  # a name the model gave itself
    return names


def layer_table(model):
    """One row per layer: name (as in a new process), type, output shape (without the batch
    axis) and parameters."""
    return [
        {
            "name": name,
            "type": type(layer).__name__,
            "output_shape": list(layer.output.shape[1:]),
            "params": int(layer.count_params()),
        }
        for layer, name in zip(model.layers, fresh_names(model))
    ]


def summary(name, image_size=DEFAULT_IMAGE_SIZE, num_classes=4):
    """The CLI's and the Models page's summary: totals and the layer table, as plain data. Built
    with the layer names of a new process (conv2d, conv2d_1...) however many models this process
    built before, without clearing the Keras session (see fresh_names)."""
    model = build(name, image_size, num_classes)
    trainable = sum(int(w.numpy().size) for w in model.trainable_weights)
    non_trainable = sum(int(w.numpy().size) for w in model.non_trainable_weights)
    return {
        "model": name,
        "input_shape": [int(image_size), int(image_size), 3],
        "total_params": trainable + non_trainable,
        "trainable_params": trainable,
        "non_trainable_params": non_trainable,
        "layers": layer_table(model),
    }
