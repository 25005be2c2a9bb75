// Entry point of the mvs executable.
import Lang
print("mvs")
