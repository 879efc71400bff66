"""MUSE's adversarial training loop in PyTorch, the peer for align-adv.

W starts at the identity; the discriminator is input dropout 0.1, then
`layers` x (Linear, LeakyReLU 0.2), then one logit; batch 32, 5 discriminator
SGD steps (labels 0.9 for mapped source rows, 0.1 for target rows) per mapping
SGD step (labels flipped, discriminator in eval mode), then
W <- 1.001 W - 0.001 (W W^T) W. No learning-rate schedule.
"""
import torch


def adversarial_mapping(x, y, iterations, hidden=2048, layers=2, seed=1, batch=32, lr=0.1):
    """Returns W [D, D] after `iterations` mapping steps on rows x [N, D] and y [M, D]."""
    torch.manual_seed(seed)
    x, y = torch.as_tensor(x, dtype=torch.float32), torch.as_tensor(y, dtype=torch.float32)
    d = x.shape[1]
    mapping = torch.nn.Linear(d, d, bias=False)
    mapping.weight.data.copy_(torch.eye(d))
    parts, width = [torch.nn.Dropout(0.1)], d
    for _ in range(layers):
        parts += [torch.nn.Linear(width, hidden), torch.nn.LeakyReLU(0.2)]
        width = hidden
    discriminator = torch.nn.Sequential(*parts, torch.nn.Linear(width, 1))
    dis_opt = torch.optim.SGD(discriminator.parameters(), lr=lr)
    map_opt = torch.optim.SGD(mapping.parameters(), lr=lr)
    labels = torch.cat([torch.full((batch,), 0.9), torch.full((batch,), 0.1)])
    bce = torch.nn.BCEWithLogitsLoss()

    def rows():
        return torch.cat([mapping(x[torch.randint(0, len(x), (batch,))]), y[torch.randint(0, len(y), (batch,))]])

    for _ in range(iterations):
        discriminator.train()
        for _ in range(5):
            with torch.no_grad():
                inputs = rows()
            dis_opt.zero_grad()
            bce(discriminator(inputs).squeeze(1), labels).backward()
            dis_opt.step()
        discriminator.eval()
        map_opt.zero_grad()
        bce(discriminator(rows()).squeeze(1), 1 - labels).backward()
        map_opt.step()
        with torch.no_grad():
            w = mapping.weight.data
            w.copy_(1.001 * w - 0.001 * w.mm(w.t()).mm(w))
    return mapping.weight.data.numpy().copy()
