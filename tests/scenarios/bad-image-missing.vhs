# expect: adu 'ctl': image: 'rtos' is neither an --image name nor a file
[adu ctl]
memory = 8M
image = rtos
