# The PyTorch peer of TrainStepBench: the descriptor UNet (UNet3d.java), the VICReg expander (Heads.java),
# DenseVICReg (DenseVICReg.java), gradient clipping and AdamW with the same settings, one step timed as Java
# times it. Argument: one JSON object (see TrainStepBench.runTorch). Prints "result <median ms> <params>".
import json, statistics, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

cfg = json.loads(sys.argv[1])
torch.set_num_threads(cfg["threads"])
torch.manual_seed(0)


def groups_for(c):  # ResBlock.groupsFor
    g = max(1, min(c // 4, 32))
    while c % g:
        g -= 1
    return g


class ResBlock(nn.Module):  # GroupNorm, SiLU, conv3, + bias, GroupNorm, SiLU, conv3, LayerScale, + x
    def __init__(self, c):
        super().__init__()
        g = groups_for(c)
        self.norm1 = nn.GroupNorm(g, c, eps=1e-5)
        self.conv1 = nn.Conv3d(c, c, 3, padding=1)
        self.bias = nn.Parameter(torch.zeros(c))
        self.norm2 = nn.GroupNorm(g, c, eps=1e-5)
        self.conv2 = nn.Conv3d(c, c, 3, padding=1)
        self.gamma = nn.Parameter(torch.full((c,), 1e-5))

    def forward(self, x):
        h = self.conv1(F.silu(self.norm1(x))) + self.bias.view(1, -1, 1, 1, 1)
        h = self.conv2(F.silu(self.norm2(h)))
        return x + h * self.gamma.view(1, -1, 1, 1, 1)


def level(entry, c, n):
    mods = ([entry] if entry is not None else []) + [ResBlock(c) for _ in range(n)]
    return nn.Sequential(*mods)


def crop_or_pad(x, size):  # Shapes.cropOrPad: crop the far end, replicate-pad the far end
    x = x[:, :, :size[0], :size[1], :size[2]]
    pad = [0, size[2] - x.shape[4], 0, size[1] - x.shape[3], 0, size[0] - x.shape[2]]
    if any(pad):
        x = F.pad(x, pad, mode="replicate")
    return x


class UNet3d(nn.Module):
    def __init__(self, cin, ch, blocks, d):
        super().__init__()
        L = len(ch)
        self.stem = nn.Conv3d(cin, ch[0], 3, padding=1)
        self.enc = nn.ModuleList(
            level(None if i == 0 else nn.Conv3d(ch[i - 1], ch[i], 2, stride=2), ch[i], blocks[i]) for i in range(L))
        self.dec = nn.ModuleList(level(nn.Conv3d(ch[i + 1] + ch[i], ch[i], 1), ch[i], blocks[i]) for i in range(L - 1))
        self.head = nn.ModuleList(nn.Conv3d(ch[i], d, 1) for i in range(L))

    def forward(self, x):
        L = len(self.enc)
        h = self.stem(x)
        skips = []
        for e in self.enc:
            h = e(h)
            skips.append(h)
        feats = [None] * L
        feats[L - 1] = h
        for i in range(L - 2, -1, -1):
            up = crop_or_pad(F.interpolate(h, scale_factor=2, mode="nearest"), skips[i].shape[2:])
            h = self.dec[i](torch.cat([up, skips[i]], 1))
            feats[i] = h
        s = self.head[L - 1](feats[L - 1])
        for i in range(L - 2, -1, -1):
            up = crop_or_pad(F.interpolate(s, scale_factor=2, mode="trilinear", align_corners=False), feats[i].shape[2:])
            s = up + self.head[i](feats[i])
        return s


def expander(d, w):  # Heads.vicregExpander
    return nn.Sequential(nn.Linear(d, w), nn.GroupNorm(32, w, eps=1e-5), nn.SiLU(),
                         nn.Linear(w, w), nn.GroupNorm(32, w, eps=1e-5), nn.SiLU(),
                         nn.Linear(w, w, bias=False))


def variance(z):
    std = torch.sqrt(z.var(dim=0, unbiased=True) + cfg["var_eps"])
    return F.relu(1 - std).mean()


def covariance(z):
    n, d = z.shape
    c = z - z.mean(dim=0, keepdim=True)
    cov = (c.t() @ c) / (n - 1)
    diag = (c * c).sum(dim=0) / (n - 1)
    return ((cov * cov).sum() - (diag * diag).sum()) / d


unet = UNet3d(cfg["in"], cfg["channels"], cfg["blocks"], cfg["out"])
head = expander(cfg["out"], cfg["width"])
params = list(unet.parameters()) + list(head.parameters())
nparams = sum(p.numel() for p in params)
opt = torch.optim.AdamW(params, lr=cfg["lr"], betas=(0.9, 0.999), eps=cfg["eps"], weight_decay=cfg["wd"])

m, n = cfg["m"], cfg["n"]
cx, cy, cz = cfg["crop"]
vox = cx * cy * cz
x = torch.randn(2 * m, cfg["in"], cz, cy, cx)
# view 1 of pair p is crop p, view 2 crop m + p; indices address the stacked (2m, D, H, W) voxels
g1 = torch.cat([torch.randint(0, vox, (n,)) + p * vox for p in range(m)])
g2 = torch.cat([torch.randint(0, vox, (n,)) + (m + p) * vox for p in range(m)])


def step():
    y = unet(x)
    flat = y.permute(0, 2, 3, 4, 1).reshape(-1, y.shape[1])  # gatherVoxels: row n*V + v
    z1, z2 = head(flat[g1]), head(flat[g2])
    inv = ((z1 - z2) ** 2).mean()
    var = (variance(z1) + variance(z2)) * 0.5
    cov = (covariance(z1) + covariance(z2)) * 0.5
    loss = inv * cfg["w_inv"] + var * cfg["w_var"] + cov * cfg["w_cov"]
    loss.backward()
    if cfg["clip"] > 0:
        torch.nn.utils.clip_grad_norm_(params, cfg["clip"])
    opt.step()
    opt.zero_grad(set_to_none=True)
    return loss.item()


times = []
for i in range(cfg["warmup"] + cfg["steps"]):
    t0 = time.perf_counter()
    loss = step()
    t1 = time.perf_counter()
    if not loss == loss:
        raise SystemExit("loss is NaN at step %d" % i)
    if i >= cfg["warmup"]:
        times.append((t1 - t0) * 1e3)
print("result %.3f %d" % (statistics.median(times), nparams))
