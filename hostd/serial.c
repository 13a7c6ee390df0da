/*
 * Serial lines: open a tty non-blocking in raw 8N1 mode at a given baud
 * rate (termios), without becoming its controlling terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include "vhd.h"

static speed_t vhd__baud(unsigned baud)
{
    switch (baud) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 230400: return B230400;
    case 460800: return B460800;
    case 921600: return B921600;
    case 1000000: return B1000000;
    case 1500000: return B1500000;
    case 2000000: return B2000000;
    case 3000000: return B3000000;
    default: return B115200;
    }
}

int vhd_serial_open(const char *dev, unsigned baud)
{
    int fd = open(dev, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct termios tio;
    if (tcgetattr(fd, &tio) == 0) {
        cfmakeraw(&tio);
        tio.c_cflag |= CLOCAL | CREAD;
        tio.c_cflag &= ~(tcflag_t)(CSTOPB | CRTSCTS);
        tio.c_cc[VMIN] = 1;
        tio.c_cc[VTIME] = 0;
        cfsetispeed(&tio, vhd__baud(baud));
        cfsetospeed(&tio, vhd__baud(baud));
        if (tcsetattr(fd, TCSANOW, &tio) < 0) {
            int e = errno;
            close(fd);
            return -e;
        }
    }
    /* Not a tty (a FIFO or a pty in tests): use it as a byte stream. */
    return fd;
}
