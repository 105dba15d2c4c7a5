import Plumb

struct Hello: Task {
  func run() throws { print("Hello World") }
}

let result = try build([Hello()])
print(result.summary)
