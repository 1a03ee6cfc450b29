System.Console.WriteLine("StateSave demo: under construction");
