# expect: adu 'ctl': devices: unknown name 'virtio-net'; valid: uart
[adu ctl]
memory = 8M
image = guest
devices = uart, virtio-net
